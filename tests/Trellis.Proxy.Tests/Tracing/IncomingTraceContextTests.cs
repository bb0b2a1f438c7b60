using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Tracing;

namespace Trellis.Proxy.Tests.Tracing;

/// <summary>Trace headers are client input: well-formed W3C and B3 contexts are read, anything else is as if absent.</summary>
public sealed class IncomingTraceContextTests
{
    private static IncomingTraceContext From(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary[name] = value;
        return IncomingTraceContext.From(dictionary);
    }

    [Fact]
    public void A_w3c_traceparent_gives_the_trace_the_parent_and_the_decision()
    {
        var context = From(("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), ("tracestate", "congo=t61rcWkgMzE"));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", context.TraceId!.Value.ToHexString());
        Assert.Equal("00f067aa0ba902b7", context.SpanId!.Value.ToHexString());
        Assert.Equal((true, "congo=t61rcWkgMzE"), (context.Sampled, context.TraceState));
        Assert.False(From(("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")).Sampled);
    }

    [Theory]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")]
    [InlineData("")]
    public void Malformed_traceparents_are_ignored(string value)
    {
        Assert.False(From(("traceparent", value)).HasParent);
    }

    [Fact]
    public void B3_single_and_multi_headers_are_read_and_64_bit_ids_are_padded()
    {
        var single = From(("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"));
        Assert.Equal(("80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1", true), (single.TraceId!.Value.ToHexString(), single.SpanId!.Value.ToHexString(), single.Sampled));

        var multi = From(("x-b3-traceid", "a3ce929d0e0e4736"), ("x-b3-spanid", "00f067aa0ba902b7"), ("x-b3-sampled", "0"));
        Assert.Equal(("0000000000000000a3ce929d0e0e4736", false), (multi.TraceId!.Value.ToHexString(), multi.Sampled));

        Assert.Equal(true, From(("b3", "d")).Sampled);
        Assert.Equal(true, From(("x-b3-flags", "1")).Sampled);
    }

    [Fact]
    public void Without_headers_there_is_no_parent_and_no_decision()
    {
        var none = From();
        Assert.False(none.HasParent);
        Assert.Null(none.Sampled);
    }

    [Fact]
    public void A_w3c_context_wins_over_b3()
    {
        var context = From(("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), ("b3", "0"));
        Assert.Equal(true, context.Sampled);
    }
}
