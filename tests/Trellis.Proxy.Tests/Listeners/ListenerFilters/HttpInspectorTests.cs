using System.Buffers;
using System.Text;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.ListenerFilters;

namespace Trellis.Proxy.Tests.Listeners.ListenerFilters;

/// <summary>http_inspector tells h2c (the HTTP/2 preface) from HTTP/1.1 and HTTP/1.0 request lines, waits while the
/// bytes could be either, and gives nothing for other protocols or TLS.</summary>
public sealed class HttpInspectorTests
{
    private static (PeekVerdict Verdict, IReadOnlyList<string> Protocols) Inspect(string text, string transport = ConnectionFacts.RawBuffer)
    {
        var facts = new ConnectionFacts(null, null) { TransportProtocol = transport };
        return (HttpInspector.Instance.Inspect(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), false, facts), facts.ApplicationProtocols);
    }

    [Theory]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "h2c")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\x12\x04", "h2c")]
    [InlineData("GET /productpage HTTP/1.1\r\nHost: a\r\n\r\n", "http/1.1")]
    [InlineData("CONNECT reviews:9080 HTTP/1.1\r\n", "http/1.1")]
    [InlineData("POST http://ratings:9080/x HTTP/1.0\r\n", "http/1.0")]
    [InlineData("GET / HTTP/1.1\n", "http/1.1")]
    public void The_protocol_is_named_as_envoy_names_it(string text, string protocol)
    {
        var (verdict, protocols) = Inspect(text);
        Assert.Equal(PeekVerdict.Done, verdict);
        Assert.Equal(new[] { protocol }, protocols);
    }

    [Theory]
    [InlineData("")]
    [InlineData("PRI * HTTP/2")]
    [InlineData("GET")]
    [InlineData("GET /a/long/pa")]
    [InlineData("GET / HTTP/1.")]
    [InlineData("GET / HTTP/1.1")]
    public void It_waits_while_the_bytes_could_still_be_http(string text)
    {
        Assert.Equal((PeekVerdict.NeedMore, 0), (Inspect(text).Verdict, Inspect(text).Protocols.Count));
    }

    [Theory]
    [InlineData("\x16\x03\x01\x02\x00")]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n")]
    [InlineData("GET / HTTP/2.0\r\n")]
    [InlineData("GET  / HTTP/1.1\r\n")]
    [InlineData("GET / HTTP/1.1 \r\n")]
    [InlineData("*1\r\n$4\r\nPING\r\n")]
    public void Other_protocols_get_none(string text)
    {
        Assert.Equal((PeekVerdict.Done, 0), (Inspect(text).Verdict, Inspect(text).Protocols.Count));
    }

    [Fact]
    public void A_connection_found_to_be_tls_is_left_alone()
    {
        Assert.Equal((PeekVerdict.Done, 0), (Inspect("GET / HTTP/1.1\r\n", "tls").Verdict, Inspect("GET / HTTP/1.1\r\n", "tls").Protocols.Count));
    }

    [Fact]
    public void A_request_line_longer_than_envoys_limit_gives_up()
    {
        var (verdict, protocols) = Inspect("GET /" + new string('a', HttpInspector.MaxInspect));
        Assert.Equal(PeekVerdict.Done, verdict);
        Assert.Empty(protocols);
    }
}
