using System.Net;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Clusters;

/// <summary>Under REGISTRY_ONLY an app reaches mesh services through its sidecar, and nothing else on the machine:
/// a tunnel or proxy request to any other loopback port gets 403 and the reason.</summary>
public sealed class RegistryOnlyTests : IAsyncLifetime
{
    private const string Reason = "not a mesh service or ServiceEntry host, and outboundTrafficPolicy is REGISTRY_ONLY";
    private TestProxy _proxy = null!;
    private Upstream _web = null!;
    private Upstream _private = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _web = await Upstream.StartAsync("web");
        _private = await Upstream.StartAsync("private");
        _port = Ports.Free();
        await _proxy.PushAsync([Eds("web"), OutboundPolicy.Passthrough()], [Endpoints("web", _web.Port)],
            [Listener("virtualOutbound", _port, "outbound", connect: true)],
            [Routes("outbound",
                Host("web", ["web:8080"], ConnectTo("web", terminate: true), ToCluster("web")),
                OutboundPolicy.Refusal("block_all", Reason, "*"))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _web.DisposeAsync();
        await _private.DisposeAsync();
    }

    [Fact]
    public async Task A_tunnel_to_a_loopback_port_outside_the_mesh_gets_403_with_the_reason()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_port, $"127.0.0.1:{_private.Port}");

        Assert.Equal(403, tunnel.Status);
        Assert.Contains($"x-trellis-reason: {Reason}", tunnel.ResponseHead);
        Assert.Equal(0, _private.Requests);
    }

    [Fact]
    public async Task A_proxy_request_to_a_loopback_port_outside_the_mesh_gets_403_with_the_reason()
    {
        using var http = TestProxy.ClientVia(_port);
        using var response = await http.GetAsync($"http://127.0.0.1:{_private.Port}/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(Reason, response.Headers.GetValues("x-trellis-reason").Single());
        Assert.Equal(0, _private.Requests);
    }

    [Fact]
    public async Task A_mesh_service_is_reached_by_tunnel_and_by_proxy_request()
    {
        using var http = TestProxy.ClientVia(_port);
        Assert.Equal("web", await http.GetStringAsync("http://web:8080/"));

        await using var tunnel = await RawConnect.TunnelAsync(_port, "web:8080");
        Assert.Equal(200, tunnel.Status);
        await tunnel.SendAsync("GET / HTTP/1.1\r\nHost: web:8080\r\nConnection: close\r\n\r\n");
        Assert.Contains("\r\nweb\r\n", await tunnel.ReadToEndAsync());
    }
}
