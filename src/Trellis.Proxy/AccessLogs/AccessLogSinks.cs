using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.AccessLogs;

/// <summary>The proxy's open access-log sinks, one per destination however many listeners and pushes name it, so a
/// push never reopens a file or loses queued lines. Each compiled access log finds its sink once; later lines look it
/// up by the model's identity, without hashing its path.</summary>
internal sealed class AccessLogSinks : IAsyncDisposable
{
    public const string DroppedName = "trellis_access_log_dropped_total";
    public const int DefaultCapacity = 4096;

    private readonly ConditionalWeakTable<AccessLogModel, AccessLogSink> _bound = new();
    private readonly Dictionary<AccessLogDestination, AccessLogSink> _open = [];
    private readonly Counter _dropped;
    private readonly ILogger _log;
    private readonly int _capacity;
    private readonly TimeSpan _flushInterval;
    private bool _disposed;

    public AccessLogSinks(MetricRegistry metrics, ILogger log, int capacity = DefaultCapacity, TimeSpan? flushInterval = null)
    {
        _dropped = metrics.Add(new Counter(DroppedName, "Access log lines dropped because their sink's queue was full or its destination failed.", ["sink"]));
        _log = log;
        _capacity = capacity;
        _flushInterval = flushInterval ?? AccessLogSink.DefaultFlushInterval;
    }

    public Counter Dropped => _dropped;

    public void Write(AccessLogModel model, ReadOnlySpan<byte> line)
    {
        if (!_bound.TryGetValue(model, out var sink)) sink = Bind(model);
        sink?.Write(line);
    }

    private AccessLogSink? Bind(AccessLogModel model)
    {
        lock (_open)
        {
            if (_disposed) return null;
            if (!_open.TryGetValue(model.Destination, out var sink))
            {
                sink = new AccessLogSink(model.Destination, _capacity, _flushInterval, _dropped.For([model.Destination.Label]), _log);
                _open.Add(model.Destination, sink);
            }
            _bound.AddOrUpdate(model, sink);
            return sink;
        }
    }

    public async ValueTask DisposeAsync()
    {
        AccessLogSink[] sinks;
        lock (_open)
        {
            _disposed = true;
            sinks = _open.Values.ToArray();
            _open.Clear();
        }
        foreach (var sink in sinks) await sink.DisposeAsync();
    }
}
