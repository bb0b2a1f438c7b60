using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>How a sidecar routes the CONNECT tunnels apps open through it: HTTP ports into the tunnel
/// listener, TCP ports by the VirtualService's tcp routes, unknown hosts straight through.</summary>
public sealed class ConnectRoutesTests
{
    private const string TcpEcho = """
        apiVersion: v1
        kind: Service
        metadata: {name: tcp-echo, namespace: bookinfo}
        spec:
          selector: {app: tcp-echo}
          ports:
          - {name: tcp, port: 9000}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: tcp-echo, namespace: bookinfo}
        spec:
          host: tcp-echo
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        """;

    private static VirtualHost Host(RouteConfiguration config, string prefix) => config.VirtualHosts.Single(v => v.Name.StartsWith(prefix, StringComparison.Ordinal));

    private static bool IsConnect(Route r) => r.Match.PathSpecifierCase == RouteMatch.PathSpecifierOneofCase.ConnectMatcher;

    private static bool Terminates(Route r) => r.Route_.UpgradeConfigs.Single(u => u.UpgradeType == "CONNECT").ConnectConfig is not null;

    [Fact]
    public void A_tunnel_to_an_http_port_is_terminated_into_the_tunnel_listener()
    {
        var routes = MeshRouteTranslator.Outbound(MeshFixture.Bookinfo(), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));
        var first = Host(routes, "reviews.").Routes[0];
        Assert.True(IsConnect(first));
        Assert.True(Terminates(first));
        Assert.Equal(ClusterNames.OutboundTunnel, first.Route_.Cluster);
        Assert.Single(Host(routes, "reviews.").Routes, IsConnect);
    }

    [Fact]
    public void A_tunnel_to_a_tcp_port_is_forwarded_to_the_service_by_default()
    {
        var routes = MeshRouteTranslator.Outbound(MeshFixture.Bookinfo(TcpEcho), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));
        var connect = Host(routes, "tcp-echo.").Routes.Where(IsConnect).ToList();
        var route = Assert.Single(connect);
        Assert.False(Terminates(route));
        Assert.Equal("outbound|9000||tcp-echo.bookinfo.svc.cluster.local", route.Route_.Cluster);
    }

    [Fact]
    public void The_rules_own_tcp_idle_timeout_and_connection_duration_bound_a_tcp_tunnel_and_its_port_levels_do_not()
    {
        var service = TcpEcho[..TcpEcho.IndexOf("---", StringComparison.Ordinal)];
        var rule = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: tcp-echo, namespace: bookinfo}
            spec:
              host: tcp-echo
              trafficPolicy:
                connectionPool:
                  tcp: {idleTimeout: 90s, maxConnectionDuration: 1h}
                portLevelSettings:
                - port: {number: 9000}
                  connectionPool:
                    tcp: {idleTimeout: 5s, maxConnectionDuration: 1m}
            """;
        var routes = MeshRouteTranslator.Outbound(MeshFixture.Bookinfo(service, rule), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));
        var route = Assert.Single(Host(routes, "tcp-echo.").Routes, IsConnect);
        Assert.Equal(TimeSpan.FromSeconds(90), route.Route_.IdleTimeout.ToTimeSpan());
        Assert.Equal(TimeSpan.FromHours(1), route.Route_.MaxStreamDuration.MaxStreamDuration_.ToTimeSpan());

        var unbounded = Assert.Single(Host(MeshRouteTranslator.Outbound(MeshFixture.Bookinfo(TcpEcho), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1")), "tcp-echo.").Routes, IsConnect);
        Assert.Null(unbounded.Route_.IdleTimeout);
        Assert.Null(unbounded.Route_.MaxStreamDuration);
    }

    [Fact]
    public void A_tcp_route_to_another_service_takes_the_limits_of_that_services_rule_as_Istio_reads_its_first_destinations()
    {
        var mesh = MeshFixture.Bookinfo(TcpEcho, """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: tcp-echo, namespace: bookinfo}
            spec:
              hosts: [tcp-echo]
              tcp:
              - route:
                - destination: {host: ratings, port: {number: 9080}}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: tcp-echo, namespace: bookinfo}
            spec:
              host: tcp-echo
              trafficPolicy:
                connectionPool:
                  tcp: {idleTimeout: 90s, maxConnectionDuration: 1h}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: ratings, namespace: bookinfo}
            spec:
              host: ratings
              trafficPolicy:
                connectionPool:
                  tcp: {maxConnectionDuration: 30s}
            """);
        var route = Assert.Single(Host(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1")), "tcp-echo.").Routes, IsConnect);
        Assert.Equal("outbound|9080||ratings.bookinfo.svc.cluster.local", route.Route_.Cluster);
        Assert.Equal(TimeSpan.FromSeconds(30), route.Route_.MaxStreamDuration.MaxStreamDuration_.ToTimeSpan());
        Assert.Null(route.Route_.IdleTimeout);
    }

    [Fact]
    public void Tcp_routes_split_connections_by_weight_and_the_first_applicable_route_wins()
    {
        var mesh = MeshFixture.Bookinfo(TcpEcho, """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: tcp-echo, namespace: bookinfo}
            spec:
              hosts: [tcp-echo]
              tcp:
              - match:
                - sourceLabels: {app: reviews}
                route:
                - destination: {host: tcp-echo, subset: v2}
              - match:
                - port: 9000
                route:
                - destination: {host: tcp-echo, port: {number: 9000}, subset: v1}
                  weight: 80
                - destination: {host: tcp-echo, port: {number: 9000}, subset: v2}
                  weight: 20
            """);
        var fromProductpage = Host(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1")), "tcp-echo.").Routes.Where(IsConnect).ToList();
        Assert.Equal("tcp-echo.tcp[1]", fromProductpage[0].Name);
        var split = fromProductpage[0].Route_.WeightedClusters.Clusters;
        Assert.Equal(["outbound|9000|v1|tcp-echo.bookinfo.svc.cluster.local", "outbound|9000|v2|tcp-echo.bookinfo.svc.cluster.local"], split.Select(c => c.Name));
        Assert.Equal([80u, 20u], split.Select(c => c.Weight ?? 0));

        var fromReviews = Host(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1")), "tcp-echo.").Routes.Where(IsConnect).ToList();
        Assert.Equal("outbound|9000|v2|tcp-echo.bookinfo.svc.cluster.local", fromReviews[0].Route_.Cluster);
    }

    [Fact]
    public void Tunnels_to_unknown_hosts_pass_through_under_allow_any()
    {
        var routes = MeshRouteTranslator.Outbound(MeshFixture.Bookinfo(OutboundPolicyTests.MeshConfig("ALLOW_ANY")), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));
        var allowAny = routes.VirtualHosts.Last();
        Assert.True(IsConnect(allowAny.Routes[0]));
        Assert.True(Terminates(allowAny.Routes[0]));
        Assert.Equal(ClusterNames.Passthrough, allowAny.Routes[0].Route_.Cluster);
    }

    [Fact]
    public void Proxyless_grpc_clients_get_no_connect_routes()
    {
        var mesh = MeshFixture.Bookinfo(TcpEcho);
        var node = MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1");
        var perPort = MeshRouteTranslator.PerServicePort(mesh, node, ProxyScope.For(mesh, node));
        Assert.DoesNotContain(perPort.SelectMany(p => p.Host.Routes), IsConnect);
    }
}
