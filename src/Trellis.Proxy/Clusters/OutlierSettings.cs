using Envoy.Config.Cluster.V3;

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
    public static OutlierSettings? From(Cluster c)
    {
        if (c.OutlierDetection is not { } o) return null;
        static TimeSpan Positive(Google.Protobuf.WellKnownTypes.Duration? d, TimeSpan otherwise) =>
            d is not null && d.ToTimeSpan() > TimeSpan.Zero ? d.ToTimeSpan() : otherwise;
        var baseEjection = Positive(o.BaseEjectionTime, TimeSpan.FromSeconds(30));
        return new OutlierSettings(
            o.Consecutive5Xx ?? 5,
            o.EnforcingConsecutive5Xx ?? 100,
            o.ConsecutiveGatewayFailure ?? 5,
            o.EnforcingConsecutiveGatewayFailure ?? 0,
            Positive(o.Interval, TimeSpan.FromSeconds(10)),
            baseEjection,
            // Envoy's max_ejection_time defaults to 300 s, and never cuts an ejection below the base time.
            TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(300).Ticks, baseEjection.Ticks)),
            Math.Min(o.MaxEjectionPercent ?? 10, 100),
            c.CommonLbConfig?.HealthyPanicThreshold?.Value ?? 50);
    }
}
