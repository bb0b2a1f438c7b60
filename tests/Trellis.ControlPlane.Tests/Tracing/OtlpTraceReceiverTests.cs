using Google.Protobuf;
using Trellis.ControlPlane.Tracing;
using Trellis.ControlPlane.Tracing.Otlp;

namespace Trellis.ControlPlane.Tests.Tracing;

public sealed class OtlpTraceReceiverTests
{
    private static Span Span(byte[] traceId, byte[] spanId, byte[]? parent = null) => new()
    {
        TraceId = ByteString.CopyFrom(traceId),
        SpanId = ByteString.CopyFrom(spanId),
        ParentSpanId = parent is null ? ByteString.Empty : ByteString.CopyFrom(parent),
        Name = "details.bookinfo.svc.cluster.local:9080/*",
        Kind = Trellis.ControlPlane.Tracing.Otlp.Span.Types.SpanKind.Server,
        StartTimeUnixNano = 1_764_000_000_000_000_000,
        EndTimeUnixNano = 1_764_000_000_012_000_000,
        Attributes = { new KeyValue { Key = "http.status_code", Value = new AnyValue { StringValue = "503" } } },
        Status = new Status { Code = Status.Types.StatusCode.Error },
    };

    private static ExportTraceServiceRequest Export(params Span[] spans) => new()
    {
        ResourceSpans =
        {
            new ResourceSpans
            {
                Resource = new Trellis.ControlPlane.Tracing.Otlp.Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "details.bookinfo" } } } },
                ScopeSpans = { new ScopeSpans { Spans = { spans } } },
            },
        },
    };

    [Fact]
    public void Spans_are_decoded_with_hex_ids_their_service_timing_and_tags()
    {
        var trace = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var (spans, rejected) = OtlpTraceReceiver.Decode(Export(Span(trace, [1, 2, 3, 4, 5, 6, 7, 8], [9, 9, 9, 9, 9, 9, 9, 9])));

        Assert.Equal(0, rejected);
        var span = Assert.Single(spans);
        Assert.Equal(("0102030405060708090a0b0c0d0e0f10", "0102030405060708", "0909090909090909"), (span.TraceId, span.SpanId, span.ParentSpanId));
        Assert.Equal(("details.bookinfo", "SERVER", true), (span.Service, span.Kind, span.Error));
        Assert.Equal(TimeSpan.FromMilliseconds(12), span.Duration);
        Assert.Equal("503", span.Tags["http.status_code"]);
    }

    [Theory]
    [InlineData(15, 8)]
    [InlineData(16, 7)]
    [InlineData(0, 8)]
    public void Spans_with_malformed_ids_are_rejected_and_counted(int traceIdLength, int spanIdLength)
    {
        var (spans, rejected) = OtlpTraceReceiver.Decode(Export(Span(new byte[traceIdLength].Select(_ => (byte)1).ToArray(), new byte[spanIdLength].Select(_ => (byte)2).ToArray())));
        Assert.Empty(spans);
        Assert.Equal(1, rejected);
    }

    [Fact]
    public void An_all_zero_trace_id_is_rejected()
    {
        Assert.Equal(1, OtlpTraceReceiver.Decode(Export(Span(new byte[16], [1, 1, 1, 1, 1, 1, 1, 1]))).Rejected);
    }

    [Fact]
    public void Long_values_are_cut()
    {
        var span = Span(Enumerable.Repeat((byte)7, 16).ToArray(), [1, 1, 1, 1, 1, 1, 1, 1]);
        span.Attributes.Add(new KeyValue { Key = "huge", Value = new AnyValue { StringValue = new string('x', 100_000) } });
        var decoded = Assert.Single(OtlpTraceReceiver.Decode(Export(span)).Spans);
        Assert.Equal(1024, decoded.Tags["huge"].Length);
    }
}
