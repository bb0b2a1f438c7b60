using Envoy.Config.Cluster.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>A DestinationRule's outlierDetection as Istio's applyOutlierDetection compiles it: the cluster's
/// outlier_detection with success-rate detection off and each consecutive-error detector enforced at 100%
/// when its threshold is positive, and a healthy panic threshold of minHealthPercent (0 when unset).</summary>
public sealed class OutlierDetectionTests
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private const string ReviewsV1 = "outbound|9080|v1|reviews.bookinfo.svc.cluster.local";
    private const string ReviewsV2 = "outbound|9080|v2|reviews.bookinfo.svc.cluster.local";
    private const string ReviewsV3 = "outbound|9080|v3|reviews.bookinfo.svc.cluster.local";

    private const string Seed = """
            outlierDetection:
              consecutive5xxErrors: 5
              interval: 30s
              baseEjectionTime: 30s
              maxEjectionPercent: 50
        """;

    private static OutlierDetection Detection(string trafficPolicy, string subsets = "", string cluster = Reviews) =>
        MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(trafficPolicy, subsets)), cluster).OutlierDetection;

    [Fact]
    public void The_seeds_rule_ejects_on_consecutive_5xx_with_success_rate_and_panic_mode_off()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(Seed)), Reviews);
        var detection = cluster.OutlierDetection;
        Assert.NotNull(detection);
        Assert.Equal(5U, detection.Consecutive5Xx);
        Assert.Equal(100U, detection.EnforcingConsecutive5Xx);
        Assert.Equal(TimeSpan.FromSeconds(30), detection.Interval.ToTimeSpan());
        Assert.Equal(TimeSpan.FromSeconds(30), detection.BaseEjectionTime.ToTimeSpan());
        Assert.Equal(50U, detection.MaxEjectionPercent);
        Assert.Equal(0U, detection.EnforcingSuccessRate);
        Assert.Null(detection.ConsecutiveGatewayFailure);
        Assert.Null(detection.EnforcingConsecutiveGatewayFailure);
        Assert.False(detection.SplitExternalLocalOriginErrors);
        Assert.Null(detection.ConsecutiveLocalOriginFailure);
        Assert.Null(detection.EnforcingConsecutiveLocalOriginFailure);
        Assert.Null(detection.SuccessRateMinimumHosts);
        Assert.Equal(0d, cluster.CommonLbConfig.HealthyPanicThreshold.Value);

        // A subset without a policy of its own inherits the rule's.
        Assert.Equal(5U, MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(Seed)), ReviewsV1).OutlierDetection.Consecutive5Xx);
    }

    [Fact]
    public void Consecutive_gateway_errors_are_enforced_on_their_own()
    {
        var detection = Detection("""
                outlierDetection:
                  consecutiveGatewayErrors: 3
            """);
        Assert.Equal(3U, detection.ConsecutiveGatewayFailure);
        Assert.Equal(100U, detection.EnforcingConsecutiveGatewayFailure);
        Assert.Null(detection.Consecutive5Xx);
        Assert.Null(detection.EnforcingConsecutive5Xx);
        Assert.Equal(0U, detection.EnforcingSuccessRate);
        Assert.Null(detection.Interval);
        Assert.Null(detection.BaseEjectionTime);
        Assert.Null(detection.MaxEjectionPercent);
    }

    [Fact]
    public void Deprecated_consecutive_errors_count_gateway_errors_only()
    {
        var detection = Detection("""
                outlierDetection:
                  consecutiveErrors: 7
            """);
        Assert.Equal(7U, detection.ConsecutiveGatewayFailure);
        Assert.Equal(100U, detection.EnforcingConsecutiveGatewayFailure);
        Assert.Equal(0U, detection.EnforcingConsecutive5Xx);
        Assert.Null(detection.Consecutive5Xx);
    }

    [Fact]
    public void The_newer_thresholds_win_over_deprecated_consecutive_errors()
    {
        var detection = Detection("""
                outlierDetection:
                  consecutiveErrors: 7
                  consecutive5xxErrors: 4
            """);
        Assert.Equal(4U, detection.Consecutive5Xx);
        Assert.Equal(100U, detection.EnforcingConsecutive5Xx);
        Assert.Equal(7U, detection.ConsecutiveGatewayFailure);
        Assert.Equal(100U, detection.EnforcingConsecutiveGatewayFailure);

        var gateway = Detection("""
                outlierDetection:
                  consecutiveErrors: 7
                  consecutiveGatewayErrors: 2
            """);
        Assert.Equal(2U, gateway.ConsecutiveGatewayFailure);
        Assert.Equal(0U, gateway.EnforcingConsecutive5Xx);
    }

    [Fact]
    public void A_zero_threshold_turns_its_detector_off()
    {
        var detection = Detection("""
                outlierDetection:
                  consecutive5xxErrors: 0
                  consecutiveGatewayErrors: 0
                  consecutiveErrors: 0
                  maxEjectionPercent: 0
            """);
        Assert.Equal(0U, detection.Consecutive5Xx);
        Assert.Equal(0U, detection.EnforcingConsecutive5Xx);
        Assert.Equal(0U, detection.ConsecutiveGatewayFailure);
        Assert.Equal(0U, detection.EnforcingConsecutiveGatewayFailure);
        Assert.Null(detection.MaxEjectionPercent);
    }

    [Fact]
    public void Min_health_percent_becomes_the_panic_threshold()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                outlierDetection:
                  consecutive5xxErrors: 5
                  minHealthPercent: 30
            """)), Reviews);
        Assert.Equal(30d, cluster.CommonLbConfig.HealthyPanicThreshold.Value);
    }

    [Fact]
    public void Local_origin_failures_count_only_when_split_from_external_errors()
    {
        var split = Detection("""
                outlierDetection:
                  splitExternalLocalOriginErrors: true
                  consecutiveLocalOriginFailures: 4
            """);
        Assert.True(split.SplitExternalLocalOriginErrors);
        Assert.Equal(4U, split.ConsecutiveLocalOriginFailure);
        Assert.Equal(100U, split.EnforcingConsecutiveLocalOriginFailure);

        var splitOnly = Detection("""
                outlierDetection:
                  splitExternalLocalOriginErrors: true
                  consecutiveLocalOriginFailures: 0
            """);
        Assert.True(splitOnly.SplitExternalLocalOriginErrors);
        Assert.Null(splitOnly.ConsecutiveLocalOriginFailure);
        Assert.Null(splitOnly.EnforcingConsecutiveLocalOriginFailure);

        var notSplit = Detection("""
                outlierDetection:
                  consecutiveLocalOriginFailures: 4
            """);
        Assert.False(notSplit.SplitExternalLocalOriginErrors);
        Assert.Null(notSplit.ConsecutiveLocalOriginFailure);
        Assert.Null(notSplit.EnforcingConsecutiveLocalOriginFailure);
    }

    [Fact]
    public void A_subsets_outlier_detection_replaces_the_rules_whole()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                outlierDetection:
                  consecutive5xxErrors: 5
                  interval: 30s
            """, """
              - name: v2
                labels: {version: v2}
                trafficPolicy:
                  outlierDetection:
                    consecutiveGatewayErrors: 2
              - name: v3
                labels: {version: v3}
                trafficPolicy:
                  loadBalancer: {simple: RANDOM}
            """));
        Assert.Equal(5U, MeshFixture.OutboundCluster(mesh, Reviews).OutlierDetection.Consecutive5Xx);
        Assert.Equal(5U, MeshFixture.OutboundCluster(mesh, ReviewsV1).OutlierDetection.Consecutive5Xx);

        var v2 = MeshFixture.OutboundCluster(mesh, ReviewsV2).OutlierDetection;
        Assert.Equal(2U, v2.ConsecutiveGatewayFailure);
        Assert.Null(v2.Consecutive5Xx);
        Assert.Null(v2.Interval);

        // A subset policy without outlierDetection inherits the rule's.
        var v3 = MeshFixture.OutboundCluster(mesh, ReviewsV3).OutlierDetection;
        Assert.Equal(5U, v3.Consecutive5Xx);
        Assert.Equal(TimeSpan.FromSeconds(30), v3.Interval.ToTimeSpan());
    }

    [Fact]
    public void A_port_level_entry_replaces_the_outlier_detection_even_when_it_sets_none()
    {
        var withDetection = Detection("""
                outlierDetection:
                  consecutive5xxErrors: 5
                portLevelSettings:
                - port: {number: 9080}
                  outlierDetection:
                    consecutiveGatewayErrors: 2
            """);
        Assert.Null(withDetection.Consecutive5Xx);
        Assert.Equal(2U, withDetection.ConsecutiveGatewayFailure);

        var withoutDetection = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                outlierDetection:
                  consecutive5xxErrors: 5
                portLevelSettings:
                - port: {number: 9080}
                  loadBalancer: {simple: RANDOM}
            """)), Reviews);
        Assert.Null(withoutDetection.OutlierDetection);
        Assert.Null(withoutDetection.CommonLbConfig);

        var otherPort = Detection("""
                outlierDetection:
                  consecutive5xxErrors: 5
                portLevelSettings:
                - port: {number: 9999}
                  outlierDetection:
                    consecutive5xxErrors: 1
            """);
        Assert.Equal(5U, otherPort.Consecutive5Xx);
    }

    [Fact]
    public void A_subsets_port_level_entry_wins_over_the_subsets_and_the_rules_outlier_detection()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                outlierDetection: {consecutive5xxErrors: 10}
                portLevelSettings:
                - port: {number: 9080}
                  outlierDetection: {consecutive5xxErrors: 20}
            """, """
              - name: v2
                labels: {version: v2}
                trafficPolicy:
                  outlierDetection: {consecutive5xxErrors: 30}
                  portLevelSettings:
                  - port: {number: 9080}
                    outlierDetection: {consecutive5xxErrors: 40}
              - name: v3
                labels: {version: v3}
                trafficPolicy:
                  outlierDetection: {consecutive5xxErrors: 30}
            """));
        Assert.Equal(20U, MeshFixture.OutboundCluster(mesh, Reviews).OutlierDetection.Consecutive5Xx);
        Assert.Equal(20U, MeshFixture.OutboundCluster(mesh, ReviewsV1).OutlierDetection.Consecutive5Xx);
        Assert.Equal(40U, MeshFixture.OutboundCluster(mesh, ReviewsV2).OutlierDetection.Consecutive5Xx);
        Assert.Equal(30U, MeshFixture.OutboundCluster(mesh, ReviewsV3).OutlierDetection.Consecutive5Xx);
    }

    [Fact]
    public void Without_outlier_detection_no_cluster_gets_any()
    {
        var clusters = ClusterTranslator.Outbound(MeshFixture.Bookinfo(), MeshFixture.BookinfoClient).ToList();
        Assert.Contains(clusters, c => c.Name == Reviews);
        Assert.All(clusters, c => Assert.Null(c.OutlierDetection));
        Assert.All(clusters, c => Assert.Null(c.CommonLbConfig));

        var withoutDetection = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                connectionPool:
                  tcp: {maxConnections: 10}
            """)), Reviews);
        Assert.Null(withoutDetection.OutlierDetection);
        Assert.Null(withoutDetection.CommonLbConfig);
    }

    [Fact]
    public void Only_outbound_eds_clusters_carry_outlier_detection()
    {
        var clusters = ClusterTranslator.Outbound(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(Seed)), MeshFixture.BookinfoClient).ToList();
        Assert.All(clusters.Where(c => c.Type != Cluster.Types.DiscoveryType.Eds), c => Assert.Null(c.OutlierDetection));
        Assert.All(clusters.Where(c => c.Name.EndsWith("|reviews.bookinfo.svc.cluster.local", StringComparison.Ordinal)),
            c => Assert.Equal(5U, c.OutlierDetection.Consecutive5Xx));
        Assert.All(clusters.Where(c => c.Name.EndsWith("|ratings.bookinfo.svc.cluster.local", StringComparison.Ordinal)),
            c => Assert.Null(c.OutlierDetection));
        Assert.Null(ClusterTranslator.Inbound(9080, 31000).OutlierDetection);
        Assert.Null(ClusterTranslator.OutboundTunnel().OutlierDetection);
    }
}
