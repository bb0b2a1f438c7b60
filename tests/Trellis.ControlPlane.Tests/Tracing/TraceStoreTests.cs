using Trellis.ControlPlane.Tracing;
using Xunit;

namespace Trellis.ControlPlane.Tests.Tracing;

public sealed class TraceStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static SpanRecord Span(string trace, string id, string? parent, string service, int startMs, int durationMs, bool error = false) =>
        new(trace, id, parent, $"{service}.bookinfo.svc.cluster.local:9080/*", service, parent is null ? "SERVER" : "CLIENT",
            T0.AddMilliseconds(startMs), TimeSpan.FromMilliseconds(durationMs), error, new Dictionary<string, string>());

    [Fact]
    public void A_trace_is_summarized_from_its_root_span_and_spans_come_back_in_start_order()
    {
        var store = new TraceStore();
        store.Add([Span("t1", "b", "a", "reviews", 5, 10), Span("t1", "a", null, "productpage", 0, 30, error: true)]);

        var summary = Assert.Single(store.Search(null, 10));
        Assert.Equal(("productpage", 2, true, 30), (summary.RootService, summary.SpanCount, summary.Error, (int)summary.Duration.TotalMilliseconds));
        Assert.Equal(["productpage", "reviews"], summary.Services);
        Assert.Equal(["a", "b"], store.Get("t1")!.Select(s => s.SpanId));
    }

    [Fact]
    public void Search_by_service_keeps_only_the_traces_it_took_part_in()
    {
        var store = new TraceStore();
        store.Add([Span("t1", "a", null, "productpage", 0, 5), Span("t2", "c", null, "ratings", 10, 5)]);

        Assert.Equal(["t2"], store.Search("ratings", 10).Select(t => t.TraceId));
    }

    [Fact]
    public void When_full_the_trace_least_recently_added_to_is_dropped_whole()
    {
        var store = new TraceStore(maxTraces: 2, maxSpansPerTrace: 1);
        store.Add([Span("t1", "a", null, "x", 0, 1), Span("t2", "b", null, "x", 1, 1)]);
        store.Add([Span("t1", "c", "a", "x", 2, 1), Span("t3", "d", null, "x", 3, 1)]);

        Assert.Null(store.Get("t2"));
        Assert.NotNull(store.Get("t1"));
        Assert.NotNull(store.Get("t3"));
        Assert.Equal(1, store.DroppedSpans);
    }
}
