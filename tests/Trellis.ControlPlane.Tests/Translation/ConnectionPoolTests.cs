using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Trellis.ControlPlane.Translation;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>A DestinationRule's connectionPool as Istio's applyConnectionPool compiles it: every outbound
/// cluster carries one circuit-breaker threshold starting from Istio's uint32-max defaults, which the
/// rule's limits lower; timeouts land on the cluster and its HTTP protocol options.</summary>
public sealed class ConnectionPoolTests
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";

    private static CircuitBreakers.Types.Thresholds Thresholds(Cluster cluster) =>
        Assert.Single(cluster.CircuitBreakers.Thresholds);

    private static HttpProtocolOptions Options(Cluster cluster) =>
        cluster.TypedExtensionProtocolOptions[ClusterTranslator.ProtocolOptionsKey].Unpack<HttpProtocolOptions>();

    [Fact]
    public void A_cluster_without_a_destination_rule_gets_istios_unlimited_thresholds()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(), Reviews);
        var thresholds = Thresholds(cluster);
        Assert.Equal(RoutingPriority.Default, thresholds.Priority);
        Assert.Equal(uint.MaxValue, thresholds.MaxConnections);
        Assert.Equal(uint.MaxValue, thresholds.MaxPendingRequests);
        Assert.Equal(uint.MaxValue, thresholds.MaxRequests);
        Assert.Equal(uint.MaxValue, thresholds.MaxRetries);
        Assert.True(thresholds.TrackRemaining);
        Assert.Equal(TimeSpan.FromSeconds(10), cluster.ConnectTimeout.ToTimeSpan());
        Assert.Null(Options(cluster).CommonHttpProtocolOptions);
    }

    [Fact]
    public void Every_outbound_eds_cluster_carries_the_thresholds()
    {
        var clusters = ClusterTranslator.Outbound(MeshFixture.Bookinfo(), MeshFixture.BookinfoClient).Where(c => c.Type == Cluster.Types.DiscoveryType.Eds).ToList();
        Assert.NotEmpty(clusters);
        Assert.All(clusters, c => Assert.Equal(uint.MaxValue, Thresholds(c).MaxConnections));
    }

    [Fact]
    public void Istios_circuit_breaking_task_limits_reach_the_cluster()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp:
                    maxConnections: 1
                  http:
                    http1MaxPendingRequests: 1
                    maxRequestsPerConnection: 1
            """)), Reviews);
        var thresholds = Thresholds(cluster);
        Assert.Equal(1U, thresholds.MaxConnections);
        Assert.Equal(1U, thresholds.MaxPendingRequests);
        Assert.Equal(uint.MaxValue, thresholds.MaxRequests);
        Assert.Equal(uint.MaxValue, thresholds.MaxRetries);
        Assert.True(thresholds.TrackRemaining);
        var common = Options(cluster).CommonHttpProtocolOptions;
        Assert.Equal(1U, common.MaxRequestsPerConnection);
        Assert.Null(common.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), cluster.ConnectTimeout.ToTimeSpan());
    }

    [Fact]
    public void Request_and_retry_limits_and_timeouts_reach_the_cluster()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp:
                    connectTimeout: 250ms
                  http:
                    http2MaxRequests: 100
                    maxRetries: 3
                    idleTimeout: 30s
            """)), Reviews);
        var thresholds = Thresholds(cluster);
        Assert.Equal(100U, thresholds.MaxRequests);
        Assert.Equal(3U, thresholds.MaxRetries);
        Assert.Equal(uint.MaxValue, thresholds.MaxConnections);
        Assert.Equal(uint.MaxValue, thresholds.MaxPendingRequests);
        Assert.Equal(TimeSpan.FromMilliseconds(250), cluster.ConnectTimeout.ToTimeSpan());
        var options = Options(cluster);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CommonHttpProtocolOptions.IdleTimeout.ToTimeSpan());
        Assert.Null(options.CommonHttpProtocolOptions.MaxRequestsPerConnection);
        Assert.NotNull(options.ExplicitHttpConfig?.HttpProtocolOptions);
    }

    [Fact]
    public void Zero_limits_keep_istios_defaults()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {maxConnections: 0}
                  http: {http1MaxPendingRequests: 0, http2MaxRequests: 0, maxRetries: 0, maxRequestsPerConnection: 0}
            """)), Reviews);
        var thresholds = Thresholds(cluster);
        Assert.Equal(uint.MaxValue, thresholds.MaxConnections);
        Assert.Equal(uint.MaxValue, thresholds.MaxPendingRequests);
        Assert.Equal(uint.MaxValue, thresholds.MaxRequests);
        Assert.Equal(uint.MaxValue, thresholds.MaxRetries);
        Assert.Null(Options(cluster).CommonHttpProtocolOptions);
    }

    [Fact]
    public void A_subset_pool_replaces_the_rules_pool_whole()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {maxConnections: 10}
                  http: {maxRetries: 5}
            """, """
              - name: v2
                labels: {version: v2}
                trafficPolicy:
                  connectionPool:
                    http: {http2MaxRequests: 7}
              - name: v3
                labels: {version: v3}
                trafficPolicy:
                  loadBalancer: {simple: RANDOM}
            """));
        Assert.Equal((10U, 5U), (Thresholds(MeshFixture.OutboundCluster(mesh, Reviews)).MaxConnections, Thresholds(MeshFixture.OutboundCluster(mesh, Reviews)).MaxRetries));
        Assert.Equal(10U, Thresholds(MeshFixture.OutboundCluster(mesh, "outbound|9080|v1|reviews.bookinfo.svc.cluster.local")).MaxConnections);

        var v2 = Thresholds(MeshFixture.OutboundCluster(mesh, "outbound|9080|v2|reviews.bookinfo.svc.cluster.local"));
        Assert.Equal(7U, v2.MaxRequests);
        Assert.Equal(uint.MaxValue, v2.MaxConnections);
        Assert.Equal(uint.MaxValue, v2.MaxRetries);

        // A subset policy without a connectionPool inherits the rule's.
        var v3 = Thresholds(MeshFixture.OutboundCluster(mesh, "outbound|9080|v3|reviews.bookinfo.svc.cluster.local"));
        Assert.Equal((10U, 5U), (v3.MaxConnections, v3.MaxRetries));
    }

    [Fact]
    public void A_port_level_entry_replaces_the_pool_even_when_it_sets_none()
    {
        var withPool = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {maxConnections: 10, connectTimeout: 1s}
                portLevelSettings:
                - port: {number: 9080}
                  connectionPool:
                    http: {http1MaxPendingRequests: 2}
            """)), Reviews);
        Assert.Equal(uint.MaxValue, Thresholds(withPool).MaxConnections);
        Assert.Equal(2U, Thresholds(withPool).MaxPendingRequests);
        Assert.Equal(TimeSpan.FromSeconds(10), withPool.ConnectTimeout.ToTimeSpan());

        var withoutPool = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {maxConnections: 10}
                portLevelSettings:
                - port: {number: 9080}
                  loadBalancer: {simple: RANDOM}
            """)), Reviews);
        Assert.Equal(uint.MaxValue, Thresholds(withoutPool).MaxConnections);

        var otherPort = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {maxConnections: 10}
                portLevelSettings:
                - port: {number: 9999}
                  connectionPool:
                    tcp: {maxConnections: 1}
            """)), Reviews);
        Assert.Equal(10U, Thresholds(otherPort).MaxConnections);
    }

    [Fact]
    public void A_subsets_port_level_entry_wins_over_the_subsets_and_the_rules_pools()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {maxConnections: 10}
                portLevelSettings:
                - port: {number: 9080}
                  connectionPool:
                    tcp: {maxConnections: 20}
            """, """
              - name: v2
                labels: {version: v2}
                trafficPolicy:
                  connectionPool:
                    tcp: {maxConnections: 30}
                  portLevelSettings:
                  - port: {number: 9080}
                    connectionPool:
                      tcp: {maxConnections: 40}
              - name: v3
                labels: {version: v3}
                trafficPolicy:
                  connectionPool:
                    tcp: {maxConnections: 30}
            """));
        Assert.Equal(20U, Thresholds(MeshFixture.OutboundCluster(mesh, Reviews)).MaxConnections);
        Assert.Equal(20U, Thresholds(MeshFixture.OutboundCluster(mesh, "outbound|9080|v1|reviews.bookinfo.svc.cluster.local")).MaxConnections);
        Assert.Equal(40U, Thresholds(MeshFixture.OutboundCluster(mesh, "outbound|9080|v2|reviews.bookinfo.svc.cluster.local")).MaxConnections);
        Assert.Equal(30U, Thresholds(MeshFixture.OutboundCluster(mesh, "outbound|9080|v3|reviews.bookinfo.svc.cluster.local")).MaxConnections);
    }

    private static readonly string MeshUpgrades = MeshFixture.MeshConfig("h2UpgradePolicy: UPGRADE");

    private static bool SpeaksHttp2(Cluster cluster) => Options(cluster).ExplicitHttpConfig?.Http2ProtocolOptions is not null;

    [Fact]
    public void A_rules_h2_upgrade_makes_the_cluster_speak_http2_and_keeps_its_other_http_options()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  http: {h2UpgradePolicy: UPGRADE, idleTimeout: 30s, useClientProtocol: true}
            """)), Reviews);

        Assert.True(SpeaksHttp2(cluster));
        Assert.Equal(TimeSpan.FromSeconds(30), Options(cluster).CommonHttpProtocolOptions.IdleTimeout.ToTimeSpan());
        Assert.False(SpeaksHttp2(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(), Reviews)));
    }

    [Fact]
    public void The_meshs_h2_upgrade_applies_to_ports_that_declare_http_unless_a_rule_says_do_not_upgrade()
    {
        const string sniffed = """
            apiVersion: v1
            kind: Service
            metadata: {name: legacy, namespace: bookinfo}
            spec:
              selector: {app: legacy}
              ports: [{port: 7070}]
            """;
        var mesh = MeshFixture.Bookinfo(MeshUpgrades, sniffed, """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: ratings, namespace: bookinfo}
            spec:
              host: ratings
              trafficPolicy:
                connectionPool:
                  http: {h2UpgradePolicy: DO_NOT_UPGRADE}
            """);

        Assert.True(SpeaksHttp2(MeshFixture.OutboundCluster(mesh, Reviews)));
        Assert.False(SpeaksHttp2(MeshFixture.OutboundCluster(mesh, "outbound|9080||ratings.bookinfo.svc.cluster.local")));
        // A port left to protocol sniffing follows the client, so an HTTP/1.1-only app never receives h2c.
        var legacy = Options(MeshFixture.OutboundCluster(mesh, "outbound|7070||legacy.bookinfo.svc.cluster.local"));
        Assert.NotNull(legacy.UseDownstreamProtocolConfig);
        // The sidecar's own app is reached as its port says, whatever the mesh upgrades between sidecars.
        var inbound = ClusterTranslator.Inbound(9080, 31000, mesh.Services.Single(s => s.Name == "reviews"));
        Assert.Null(inbound.TypedExtensionProtocolOptions[ClusterTranslator.ProtocolOptionsKey].Unpack<HttpProtocolOptions>().ExplicitHttpConfig.Http2ProtocolOptions);
    }

    [Fact]
    public void Use_client_protocol_follows_the_downstream_version()
    {
        var options = Options(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  http: {useClientProtocol: true}
            """)), Reviews));

        Assert.NotNull(options.UseDownstreamProtocolConfig.HttpProtocolOptions);
        Assert.NotNull(options.UseDownstreamProtocolConfig.Http2ProtocolOptions);
        Assert.Null(options.ExplicitHttpConfig);
    }

    [Fact]
    public void The_tcp_idle_timeout_stands_in_for_an_unset_http_one_and_the_connection_duration_reaches_the_cluster()
    {
        var common = Options(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {idleTimeout: 45s, maxConnectionDuration: 10m}
            """)), Reviews)).CommonHttpProtocolOptions;
        Assert.Equal(TimeSpan.FromSeconds(45), common.IdleTimeout.ToTimeSpan());
        Assert.Equal(TimeSpan.FromMinutes(10), common.MaxConnectionDuration.ToTimeSpan());

        var both = Options(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {idleTimeout: 45s}
                  http: {idleTimeout: 5s}
            """)), Reviews)).CommonHttpProtocolOptions;
        Assert.Equal(TimeSpan.FromSeconds(5), both.IdleTimeout.ToTimeSpan());
    }

    [Fact]
    public void Tcp_keepalive_starts_from_the_meshs_and_the_rule_overrides_it_field_by_field()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.MeshConfig("tcpKeepalive: {time: 600s, probes: 5}"), MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp:
                    tcpKeepalive: {time: 7200s, interval: 75s}
            """));

        var reviews = MeshFixture.OutboundCluster(mesh, Reviews).UpstreamConnectionOptions.TcpKeepalive;
        Assert.Equal((5U, 7200U, 75U), (reviews.KeepaliveProbes, reviews.KeepaliveTime, reviews.KeepaliveInterval));
        var ratings = MeshFixture.OutboundCluster(mesh, "outbound|9080||ratings.bookinfo.svc.cluster.local").UpstreamConnectionOptions.TcpKeepalive;
        Assert.Equal((5U, 600U), (ratings.KeepaliveProbes, ratings.KeepaliveTime));
        Assert.Null(ratings.KeepaliveInterval);
        Assert.Null(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(), Reviews).UpstreamConnectionOptions);
    }

    [Fact]
    public void The_inbound_and_fallback_clusters_carry_no_circuit_breakers()
    {
        var clusters = ClusterTranslator.Outbound(MeshFixture.Bookinfo(), MeshFixture.BookinfoClient).Where(c => c.Type != Cluster.Types.DiscoveryType.Eds);
        Assert.All(clusters, c => Assert.Null(c.CircuitBreakers));
        Assert.Null(ClusterTranslator.Inbound(9080, 31000).CircuitBreakers);
    }
}
