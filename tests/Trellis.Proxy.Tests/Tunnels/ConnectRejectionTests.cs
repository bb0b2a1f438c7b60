using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Tunnels;

/// <summary>CONNECT requests the proxy will not tunnel get Envoy's status and a reason naming what is missing.</summary>
public sealed class ConnectRejectionTests : IAsyncLifetime
{
    private TestProxy _proxy = null!;
    private LineEchoServer _app = null!;
    private Upstream _web = null!;
    private int _connectPort;
    private int _plainPort;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = new LineEchoServer("x");
        _web = await Upstream.StartAsync("web");
        _connectPort = Ports.Free();
        _plainPort = Ports.Free();
        await _proxy.PushAsync([Eds("db"), Eds("web")], [Endpoints("db", _app.Port), Endpoints("web", _web.Port)],
            [Listener("virtualOutbound", _connectPort, "outbound", connect: true), Listener("plain", _plainPort, "outbound")],
            [Routes("outbound", Host("db", ["db:5432"], ConnectTo("db", terminate: true)), Host("web", ["web:8080"], ToCluster("web")))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
        await _web.DisposeAsync();
    }

    [Fact]
    public async Task A_listener_without_a_connect_upgrade_refuses_with_403()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_plainPort, "db:5432");
        Assert.Equal(403, tunnel.Status);
        Assert.Contains("does not accept CONNECT", tunnel.ResponseHead);
    }

    [Fact]
    public async Task An_unknown_authority_has_no_route()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_connectPort, "elsewhere:443");
        Assert.Equal(404, tunnel.Status);
        Assert.Contains("has no virtual host for CONNECT elsewhere:443", tunnel.ResponseHead);
    }

    [Fact]
    public async Task A_virtual_host_without_a_connect_matcher_route_does_not_tunnel()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_connectPort, "web:8080");
        Assert.Equal(404, tunnel.Status);
        Assert.Contains("no connect_matcher route of virtual host web", tunnel.ResponseHead);
    }

    [Theory]
    [InlineData("CONNECT db HTTP/1.1\r\n\r\n", "is not host:port")]
    [InlineData("CONNECT db:0 HTTP/1.1\r\n\r\n", "is not host:port")]
    [InlineData("CONNECT db:5432 HTTP/2.0\r\n\r\n", "unsupported HTTP version")]
    [InlineData("CONNECT db:5432 HTTP/1.1\r\n folded: header\r\n\r\n", "obsolete line folding")]
    [InlineData("CONNECT bad\u0001host:5432 HTTP/1.1\r\n\r\n", "control characters")]
    public async Task Malformed_requests_get_400_with_what_was_wrong(string request, string reason)
    {
        await using var tunnel = await RawConnect.OpenAsync(_connectPort, request);
        Assert.Equal(400, tunnel.Status);
        Assert.Contains(reason, tunnel.ResponseHead);
    }

    [Fact]
    public async Task An_oversized_head_is_refused_rather_than_buffered()
    {
        var huge = $"CONNECT db:5432 HTTP/1.1\r\nx-filler: {new string('a', 20_000)}\r\n\r\n";
        await using var tunnel = await RawConnect.OpenAsync(_connectPort, huge);
        Assert.Equal(400, tunnel.Status);
        Assert.Contains("exceeds 16384 bytes", tunnel.ResponseHead);
    }

    [Fact]
    public async Task Ordinary_requests_on_a_connect_listener_are_still_served()
    {
        using var http = TestProxy.ClientVia(_connectPort);
        Assert.Equal("web", await http.GetStringAsync("http://web:8080/"));
    }
}
