using Envoy.Config.Cluster.V3;
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
    private TestProxy _proxy = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _port = Ports.Free();
        var passthrough = new Cluster
        {
            Name = "PassthroughCluster",
            Type = Cluster.Types.DiscoveryType.OriginalDst,
            LbPolicy = Cluster.Types.LbPolicy.ClusterProvided,
            ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)),
        };
        var allowAny = ToCluster("PassthroughCluster", name: "allow_any");
        await _proxy.PushAsync([passthrough, Eds(Admin)], [Endpoints(Admin, _proxy.Runtime.Admin.Port)], [Listener("virtualOutbound", _port, "outbound", connect: true)],
            [Routes("outbound",
                Host("admin", ["admin:15000"], ConnectTo(Admin, terminate: true), ToCluster(Admin)),
                Host("allow_any", ["*"], ConnectTo("PassthroughCluster", terminate: true), allowAny))]);
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

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
}
