using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.ListenerFilters;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Listeners.ListenerFilters;

/// <summary>tls_inspector recognises the ClientHello a real TLS client (.NET's SslStream) sends, with its server name
/// and ALPN protocols, however the bytes arrive; anything else is left as raw_buffer.</summary>
public sealed class TlsInspectorTests
{
    /// <summary>What an SslStream client writes first, read off a loopback socket until the inspector decides.</summary>
    private static async Task<byte[]> ClientHelloFromSslStreamAsync(string targetHost, params string[] alpn)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        using var tls = new SslStream(client.GetStream());
        var handshake = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ApplicationProtocols = alpn.Select(p => new SslApplicationProtocol(p)).ToList(),
            RemoteCertificateValidationCallback = delegate { return true; },
        });
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (ClientHello.Parse(received.ToArray(), out _) == ClientHelloStatus.NeedMore)
        {
            var read = await server.GetStream().ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            received.AddRange(buffer.AsSpan(0, read));
        }
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return received.ToArray();
    }

    private static (PeekVerdict Verdict, ConnectionFacts Facts) Inspect(ReadOnlySequence<byte> bytes, bool ended = false)
    {
        var facts = new ConnectionFacts(null, null);
        return (TlsInspector.Instance.Inspect(bytes, ended, facts), facts);
    }

    [Fact]
    public async Task A_real_client_hello_gives_tls_its_server_name_and_alpn()
    {
        var hello = await ClientHelloFromSslStreamAsync("reviews.bookinfo.svc.cluster.local", "h2", "http/1.1");
        var (verdict, facts) = Inspect(new ReadOnlySequence<byte>(hello));
        Assert.Equal(PeekVerdict.Done, verdict);
        Assert.Equal("tls", facts.TransportProtocol);
        Assert.Equal("reviews.bookinfo.svc.cluster.local", facts.ServerName);
        Assert.Equal(new[] { "h2", "http/1.1" }, facts.ApplicationProtocols);
    }

    [Fact]
    public async Task A_client_hello_without_server_name_or_alpn_is_still_tls()
    {
        // SslStream sends no SNI for an IP address.
        var hello = await ClientHelloFromSslStreamAsync("127.0.0.1");
        var (_, facts) = Inspect(new ReadOnlySequence<byte>(hello));
        Assert.Equal("tls", facts.TransportProtocol);
        Assert.Equal("", facts.ServerName);
        Assert.Empty(facts.ApplicationProtocols);
    }

    [Fact]
    public async Task Every_cut_of_a_client_hello_waits_for_more_and_any_split_into_reads_gives_the_same()
    {
        var hello = await ClientHelloFromSslStreamAsync("ratings", "h2");
        for (var length = 0; length < hello.Length; length++)
            Assert.Equal(PeekVerdict.NeedMore, Inspect(new ReadOnlySequence<byte>(hello, 0, length)).Verdict);
        var (verdict, facts) = Inspect(Segments.Split(hello, [1, 5, 6, 77, hello.Length - 1]));
        Assert.Equal(PeekVerdict.Done, verdict);
        Assert.Equal("ratings", facts.ServerName);
    }

    [Fact]
    public void A_client_hello_fragmented_over_several_records_is_reassembled()
    {
        var hello = ClientHelloBytes.Build("details.bookinfo", ["istio-peer-exchange", "h2"], recordSize: 7);
        var (verdict, facts) = Inspect(new ReadOnlySequence<byte>(hello));
        Assert.Equal(PeekVerdict.Done, verdict);
        Assert.Equal(("tls", "details.bookinfo"), (facts.TransportProtocol, facts.ServerName));
        Assert.Equal(new[] { "istio-peer-exchange", "h2" }, facts.ApplicationProtocols);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("CONNECT reviews:9080 HTTP/1.1\r\n\r\n")]
    [InlineData("\u0016\u0002")]
    public void Plaintext_stays_raw_buffer(string text)
    {
        var (verdict, facts) = Inspect(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)));
        Assert.Equal(PeekVerdict.Done, verdict);
        Assert.Equal(ConnectionFacts.RawBuffer, facts.TransportProtocol);
    }

    [Fact]
    public void A_malformed_client_hello_is_not_tls_but_a_malformed_alpn_list_is_ignored()
    {
        var duplicate = ClientHelloBytes.Build("a", [], extra: [(23, []), (23, [])]);
        Assert.Equal(ConnectionFacts.RawBuffer, Inspect(new ReadOnlySequence<byte>(duplicate)).Facts.TransportProtocol);
        var twoNames = ClientHelloBytes.Build(null, [], extra: [(0, [0, 8, 0, 0, 1, (byte)'a', 0, 0, 1, (byte)'b'])]);
        Assert.Equal(ConnectionFacts.RawBuffer, Inspect(new ReadOnlySequence<byte>(twoNames)).Facts.TransportProtocol);
        var badAlpn = ClientHelloBytes.Build("a", [], extra: [(16, [0, 3, 5, (byte)'h', (byte)'2'])]);
        var (_, facts) = Inspect(new ReadOnlySequence<byte>(badAlpn));
        Assert.Equal(("tls", "a"), (facts.TransportProtocol, facts.ServerName));
        Assert.Empty(facts.ApplicationProtocols);
    }

    [Fact]
    public void A_client_hello_larger_than_envoys_limit_closes_the_connection()
    {
        byte[] announced = [22, 3, 1, 0, 4, 1, 0x01, 0x00, 0x00];
        Assert.Equal(PeekVerdict.Close, Inspect(new ReadOnlySequence<byte>(announced)).Verdict);
        var huge = ClientHelloBytes.Build("a", [], extra: [(0xffaa, new byte[ClientHello.MaxLength - 10])]);
        Assert.Equal(PeekVerdict.Close, Inspect(new ReadOnlySequence<byte>(huge)).Verdict);
    }

    [Fact]
    public void Part_of_a_client_hello_is_not_tls_yet()
    {
        var hello = ClientHelloBytes.Build("a", []);
        var (verdict, facts) = Inspect(new ReadOnlySequence<byte>(hello, 0, 20), ended: true);
        Assert.Equal(PeekVerdict.NeedMore, verdict);
        Assert.Equal(ConnectionFacts.RawBuffer, facts.TransportProtocol);
    }
}
