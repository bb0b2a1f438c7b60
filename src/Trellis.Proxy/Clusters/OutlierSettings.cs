using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Clusters;

/// <summary>A cluster's outlier_detection with Envoy's defaults for what it leaves out, and the healthy
/// panic threshold (common_lb_config, 50% by default) below which the balancer ignores ejections.</summary>
internal sealed record OutlierSettings(
    uint Consecutive5xx,
    uint Enforcing5xx,
    uint ConsecutiveGatewayFailure,
    uint EnforcingGatewayFailure,
    TimeSpan Interval,
    TimeSpan BaseEjectionTime,
    TimeSpan MaxEjectionTime,
    uint MaxEjectionPercent,
    double PanicThresholdPercent)
{
    /// <summary>Null when the cluster has no outlier_detection: Envoy then ejects nothing.</summary>
    public static OutlierSettings? From(Cluster c, string where)
    {
        if (c.OutlierDetection is not { } o) return null;
        var baseEjection = DurationField.PositiveOr(o.BaseEjectionTime, TimeSpan.FromSeconds(30), where, "outlier_detection.base_ejection_time");
        return new OutlierSettings(
            o.Consecutive5Xx ?? 5,
            o.EnforcingConsecutive5Xx ?? 100,
            o.ConsecutiveGatewayFailure ?? 5,
            o.EnforcingConsecutiveGatewayFailure ?? 0,
            DurationField.PositiveOr(o.Interval, TimeSpan.FromSeconds(10), where, "outlier_detection.interval"),
            baseEjection,
            // Envoy's max_ejection_time defaults to 300 s, and never cuts an ejection below the base time.
            TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(300).Ticks, baseEjection.Ticks)),
            Math.Min(o.MaxEjectionPercent ?? 10, 100),
            c.CommonLbConfig?.HealthyPanicThreshold?.Value ?? 50);
    }
}
