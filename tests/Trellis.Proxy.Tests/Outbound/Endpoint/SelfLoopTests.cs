using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Outbound.Endpoint;

/// <summary>A destination that is the proxy itself is refused at once instead of looping every request back in
/// until sockets run out, whether a passthrough request names it or a cluster's endpoint is there, over HTTP and
/// through tunnels alike.</summary>
public sealed class SelfLoopTests : IAsyncLifetime
{
    private const string Admin = "outbound|15000||admin.default.svc.cluster.local";
    private const string Self = "outbound|9080||productpage.bookinfo.svc.cluster.local";
    private const string App = "inbound|9080||";
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private int _port;
    private int _inbound;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = await Upstream.StartAsync("self");
        _port = Ports.Free();
        _inbound = Ports.Free();
        var passthrough = new Cluster
        {
            Name = "PassthroughCluster",
            Type = Cluster.Types.DiscoveryType.OriginalDst,
            LbPolicy = Cluster.Types.LbPolicy.ClusterProvided,
            ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)),
        };
        var allowAny = ToCluster("PassthroughCluster", name: "allow_any");
        await _proxy.PushAsync([passthrough, Eds(Admin), Eds(Self), Eds(App)],
            [Endpoints(Admin, _proxy.Runtime.Admin.Port), Endpoints(Self, _inbound), Endpoints(App, _app.Port)],
            [Listener("virtualOutbound", _port, "outbound", connect: true), Listener("virtualInbound", _inbound, "inbound", TrafficDirection.Inbound, connect: true)],
            [
                Routes("outbound",
                    Host("admin", ["admin:15000"], ConnectTo(Admin, terminate: true), ToCluster(Admin)),
                    Host("self", ["productpage:9080"], ConnectTo(Self, terminate: false), ToCluster(Self)),
                    Host("allow_any", ["*"], ConnectTo("PassthroughCluster", terminate: true), allowAny)),
                Routes("inbound", Host("inbound", ["*"], ConnectTo(App, terminate: true), ToCluster(App))),
            ]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_proxy_request_to_the_proxys_own_port_is_refused(string host)
    {
        using var http = TestProxy.ClientVia(_port);
        using var response = await http.GetAsync($"http://{host}:{_port}/again");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("own sockets; forwarding there would loop", response.Headers.GetValues("x-trellis-reason").Single());
    }

    [Fact]
    public async Task A_tunnel_to_the_proxys_admin_port_is_refused()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_port, $"127.0.0.1:{_proxy.Runtime.Admin.Port}");
        Assert.Equal(503, tunnel.Status);
        Assert.Contains("own sockets; forwarding there would loop", tunnel.ResponseHead);
    }

    [Fact]
    public async Task A_request_to_a_cluster_whose_endpoint_is_the_proxy_is_refused()
    {
        using var http = TestProxy.ClientVia(_port);
        using var response = await http.GetAsync("http://admin:15000/ready");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("own sockets; forwarding there would loop", response.Headers.GetValues("x-trellis-reason").Single());
    }

    [Fact]
    public async Task A_tunnel_to_a_cluster_whose_endpoint_is_the_proxy_is_refused()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_port, "admin:15000");
        Assert.Equal(503, tunnel.Status);
        Assert.Contains("own sockets; forwarding there would loop", tunnel.ResponseHead);
    }

    [Fact]
    public async Task A_pod_calling_its_own_service_goes_out_and_back_in_through_its_own_sidecar()
    {
        using var http = TestProxy.ClientVia(_port);
        Assert.Equal("self", await http.GetStringAsync("http://productpage:9080/"));

        await using var tunnel = await RawConnect.TunnelAsync(_port, "productpage:9080");
        Assert.Equal(200, tunnel.Status);
        await tunnel.SendAsync("GET / HTTP/1.1\r\nHost: productpage:9080\r\nConnection: close\r\n\r\n");
        Assert.Contains("x-upstream: self\r\n", await tunnel.ReadToEndAsync());
    }

    [Fact]
    public async Task A_passthrough_request_to_the_proxys_inbound_port_is_refused()
    {
        using var http = TestProxy.ClientVia(_port);
        using var response = await http.GetAsync($"http://127.0.0.1:{_inbound}/");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("own sockets; forwarding there would loop", response.Headers.GetValues("x-trellis-reason").Single());
    }
}
