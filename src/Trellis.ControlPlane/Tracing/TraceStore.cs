namespace Trellis.ControlPlane.Tracing;

/// <summary>The most recent traces the mesh reported, bounded in memory so tracing works with zero set-up: when full,
/// the trace that was least recently added to is dropped whole. Thread-safe; searches copy what they return.</summary>
public sealed class TraceStore(int maxTraces = 2000, int maxSpansPerTrace = 1000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();

    private sealed class Entry(string traceId)
    {
        public string TraceId { get; } = traceId;
        public List<SpanRecord> Spans { get; } = [];
    }

    /// <summary>Spans dropped because their trace already held <c>maxSpansPerTrace</c>.</summary>
    public long DroppedSpans { get; private set; }

    public int Count { get { lock (_gate) return _byId.Count; } }

    public void Add(IEnumerable<SpanRecord> spans)
    {
        lock (_gate)
        {
            foreach (var span in spans)
            {
                if (!_byId.TryGetValue(span.TraceId, out var node))
                {
                    node = _recency.AddFirst(new Entry(span.TraceId));
                    _byId[span.TraceId] = node;
                    while (_byId.Count > maxTraces)
                    {
                        var oldest = _recency.Last!;
                        _recency.RemoveLast();
                        _byId.Remove(oldest.Value.TraceId);
                    }
                }
                else if (node != _recency.First)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                }
                if (node.Value.Spans.Count >= maxSpansPerTrace) { DroppedSpans++; continue; }
                node.Value.Spans.Add(span);
            }
        }
    }

    /// <summary>The newest traces first; with <paramref name="service"/>, only traces that service took part in.</summary>
    public IReadOnlyList<TraceSummary> Search(string? service, int limit)
    {
        lock (_gate)
        {
            var found = new List<TraceSummary>();
            foreach (var entry in _recency)
            {
                if (found.Count >= limit) break;
                if (service is not null && !entry.Spans.Exists(s => s.Service == service)) continue;
                found.Add(Summarize(entry));
            }
            return found.OrderByDescending(t => t.Start).ToList();
        }
    }

    /// <summary>Every span of one trace, by start time; null when the store does not hold it.</summary>
    public IReadOnlyList<SpanRecord>? Get(string traceId)
    {
        lock (_gate)
            return _byId.TryGetValue(traceId, out var node) ? node.Value.Spans.OrderBy(s => s.Start).ToList() : null;
    }

    private static TraceSummary Summarize(Entry entry)
    {
        var spanIds = entry.Spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var root = entry.Spans.Where(s => s.ParentSpanId is null || !spanIds.Contains(s.ParentSpanId)).MinBy(s => s.Start)
            ?? entry.Spans.MinBy(s => s.Start)!;
        var start = entry.Spans.Min(s => s.Start);
        var end = entry.Spans.Max(s => s.Start + s.Duration);
        return new TraceSummary(entry.TraceId, root.Service, root.Name, start, end - start, entry.Spans.Count,
            entry.Spans.Exists(s => s.Error), entry.Spans.Select(s => s.Service).Distinct().Order(StringComparer.Ordinal).ToList());
    }
}
