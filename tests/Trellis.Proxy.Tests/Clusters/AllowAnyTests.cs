using System.Net;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Clusters;

/// <summary>Under ALLOW_ANY destinations outside the registry pass through, except the mesh's own ports: the route
/// table refuses their usual spellings and the PassthroughCluster refuses every other spelling once connected.</summary>
public sealed class AllowAnyTests : IAsyncLifetime
{
    private const string What = "the control plane's API port";
    private TestProxy _proxy = null!;
    private Upstream _other = null!;
    private Upstream _controlPlane = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _other = await Upstream.StartAsync("other");
        _controlPlane = await Upstream.StartAsync("control-plane");
        _port = Ports.Free();
        var cp = _controlPlane.Port;
        await _proxy.PushAsync([OutboundPolicy.Passthrough((cp, What))], [],
            [Listener("virtualOutbound", _port, "outbound", connect: true)],
            [Routes("outbound",
                OutboundPolicy.Refusal($"reserved_{cp}", $"port {cp} is {What}", $"127.0.0.1:{cp}", $"localhost:{cp}", $"[::1]:{cp}"),
                OutboundPolicy.AllowAny())]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _other.DisposeAsync();
        await _controlPlane.DisposeAsync();
    }

    [Fact]
    public async Task A_loopback_port_outside_the_mesh_is_reached_by_proxy_request_and_by_tunnel()
    {
        using var http = TestProxy.ClientVia(_port);
        Assert.Equal("other", await http.GetStringAsync($"http://127.0.0.1:{_other.Port}/"));

        await using var tunnel = await RawConnect.TunnelAsync(_port, $"127.0.0.1:{_other.Port}");
        Assert.Equal(200, tunnel.Status);
        await tunnel.SendAsync($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{_other.Port}\r\nConnection: close\r\n\r\n");
        Assert.Contains("\r\nother\r\n", await tunnel.ReadToEndAsync());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task The_control_plane_port_is_refused_by_the_route_table(string host)
    {
        using var http = TestProxy.ClientVia(_port);
        using var response = await http.GetAsync($"http://{host}:{_controlPlane.Port}/");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(What, response.Headers.GetValues("x-trellis-reason").Single());

        await using var tunnel = await RawConnect.TunnelAsync(_port, $"{host}:{_controlPlane.Port}");
        Assert.Equal(403, tunnel.Status);
        Assert.Contains(What, tunnel.ResponseHead);
        Assert.Equal(0, _controlPlane.Requests);
    }

    [Theory]
    [InlineData("127.1")]
    [InlineData("2130706433")]
    public async Task A_tunnel_to_the_control_plane_port_under_another_spelling_is_refused_once_resolved(string host)
    {
        await using var tunnel = await RawConnect.TunnelAsync(_port, $"{host}:{_controlPlane.Port}");

        Assert.Equal(403, tunnel.Status);
        Assert.Contains($"is {What}: not a mesh destination, so passthrough never connects there", tunnel.ResponseHead);
        Assert.Equal(0, _controlPlane.Requests);
    }

    [Theory]
    [InlineData("GET http://127.1:{0}/ HTTP/1.1\r\nHost: 127.1:{0}\r\nConnection: close\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: 127.1:{0}\r\nConnection: close\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: 2130706433:{0}\r\nConnection: close\r\n\r\n")]
    public async Task A_proxy_request_to_the_control_plane_port_under_another_spelling_never_reaches_it(string request)
    {
        await using var raw = await RawConnect.OpenAsync(_port, string.Format(request, _controlPlane.Port));

        Assert.NotEqual(200, raw.Status);
        Assert.Contains(What, raw.ResponseHead);
        Assert.Equal(0, _controlPlane.Requests);
    }
}
