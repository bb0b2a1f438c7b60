using Envoy.Config.Listener.V3;
using Trellis.ControlPlane.Translation;
using TcpProxyConfig = Envoy.Extensions.Filters.Network.TcpProxy.V3.TcpProxy;

namespace Trellis.ControlPlane.Tests.Translation.Gateway;

/// <summary>Istio's TCP traffic shifting task at the ingress gateway: a TCP server on 31400 and a VirtualService's tcp
/// routes bound to it.</summary>
public sealed class GatewayTcpServersTests
{
    private static string Sample(string file) => File.ReadAllText(Path.Combine(MeshFixture.RepoRoot, "samples", "tcp-echo", file));

    private static string Gateway(int number = 31400, string protocol = "TCP") => $$"""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: tcp-echo-gateway, namespace: tcp-echo}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: {{number}}, name: tcp, protocol: {{protocol}}}
            hosts: ["*"]
        """;

    private static string Routes(int v1, int v2, int port = 31400) => $$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: tcp-echo, namespace: tcp-echo}
        spec:
          hosts: ["*"]
          gateways: [tcp-echo-gateway]
          tcp:
          - match:
            - port: {{port}}
            route:
            - destination: {host: tcp-echo, port: {number: 9000}, subset: v1}
              weight: {{v1}}
            - destination: {host: tcp-echo, port: {number: 9000}, subset: v2}
              weight: {{v2}}
        """;

    private static ProxyResources Build(params string[] yaml) =>
        ProxyConfigBuilder.Build(MeshFixture.Bookinfo([Sample("tcp-echo.yaml"), Sample("destination-rule-all.yaml"), .. yaml]), MeshFixture.IngressGateway(18080));

    private static IEnumerable<Listener> Listeners(ProxyResources resources) => resources.Listeners.Cast<Listener>();

    [Fact]
    public void A_tcp_server_listens_on_its_port_and_splits_connections_by_the_bound_tcp_route()
    {
        var resources = Build(Gateway(), Routes(80, 20));

        var listener = Assert.Single(Listeners(resources), l => l.Name == "0.0.0.0_31400");
        Assert.Equal(31400u, listener.Address.SocketAddress.PortValue);
        var filter = Assert.Single(Assert.Single(listener.FilterChains).Filters);
        var config = filter.TypedConfig.Unpack<TcpProxyConfig>();
        Assert.Equal(["outbound|9000|v1|tcp-echo.tcp-echo.svc.cluster.local", "outbound|9000|v2|tcp-echo.tcp-echo.svc.cluster.local"],
            config.WeightedClusters.Clusters.Select(c => c.Name));
        Assert.Equal([80u, 20u], config.WeightedClusters.Clusters.Select(c => c.Weight));
        Assert.Equal("tcp-echo.tcp-echo.svc.cluster.local:9000", config.TunnelingConfig.Hostname);
        Assert.Empty(resources.Problems);
    }

    [Fact]
    public void Without_a_tcp_route_for_its_port_the_server_is_not_served_and_says_why()
    {
        var resources = Build(Gateway(), Routes(100, 0, port: 31401));

        Assert.DoesNotContain(Listeners(resources), l => l.Name == "0.0.0.0_31400");
        Assert.Contains(resources.Problems, p => p.Contains("spec.servers[0]: not served: no VirtualService tcp route", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tcp_server_on_the_gateways_own_http_port_is_not_served()
    {
        var resources = Build(Gateway(number: 18080), Routes(100, 0, port: 18080));

        Assert.Single(Listeners(resources), l => l.Address.SocketAddress.PortValue == 18080);
        Assert.Contains(resources.Problems, p => p.Contains("port 18080 is the gateway's HTTP port", StringComparison.Ordinal));
    }
}
