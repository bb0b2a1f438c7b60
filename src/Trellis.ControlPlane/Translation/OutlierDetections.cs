using Envoy.Config.Cluster.V3;
using Envoy.Type.V3;
using Google.Protobuf.WellKnownTypes;
using Settings = Trellis.Config.Model.Networking.OutlierDetection;

namespace Trellis.ControlPlane.Translation;

/// <summary>A DestinationRule's outlierDetection in Envoy's terms, as Istio's applyOutlierDetection writes
/// it: the cluster's outlier_detection, with success-rate detection off and each consecutive-error
/// detector enforced at 100% when its threshold is positive, and the cluster's healthy panic threshold.</summary>
internal static class OutlierDetections
{
    private const uint Always = 100;

    /// <summary>Sets outlier_detection and common_lb_config.healthy_panic_threshold on the cluster. Without
    /// outlier detection the cluster is left alone: Envoy then runs no detection and keeps its own panic
    /// threshold (50%).</summary>
    public static void ApplyTo(Cluster cluster, Settings? outlier)
    {
        if (outlier is null) return;
        var detection = new OutlierDetection { EnforcingSuccessRate = 0 };

        // The deprecated consecutiveErrors counts gateway errors only (istio/api#617). Istio applied it
        // before the newer fields, so consecutive5xxErrors and consecutiveGatewayErrors win when both are set.
        if (outlier.ConsecutiveErrors is > 0 and var errors)
        {
            detection.EnforcingConsecutiveGatewayFailure = Always;
            detection.EnforcingConsecutive5Xx = 0;
            detection.ConsecutiveGatewayFailure = (uint)errors;
        }
        if (outlier.Consecutive5xxErrors is { } fiveXx)
        {
            detection.Consecutive5Xx = fiveXx;
            detection.EnforcingConsecutive5Xx = fiveXx > 0 ? Always : 0;
        }
        if (outlier.ConsecutiveGatewayErrors is { } gateway)
        {
            detection.ConsecutiveGatewayFailure = gateway;
            detection.EnforcingConsecutiveGatewayFailure = gateway > 0 ? Always : 0;
        }
        if (outlier.Interval is { } interval) detection.Interval = Duration.FromTimeSpan(interval);
        if (outlier.BaseEjectionTime is { } ejection) detection.BaseEjectionTime = Duration.FromTimeSpan(ejection);
        if (outlier.MaxEjectionPercent is > 0 and var maxEjection) detection.MaxEjectionPercent = (uint)maxEjection;
        if (outlier.SplitExternalLocalOriginErrors == true)
        {
            detection.SplitExternalLocalOriginErrors = true;
            if (outlier.ConsecutiveLocalOriginFailures is > 0 and var local)
            {
                detection.ConsecutiveLocalOriginFailure = local;
                detection.EnforcingConsecutiveLocalOriginFailure = Always;
            }
            // Istio also writes enforcing_local_origin_success_rate = 0 here; Trellis's proto subset has no
            // such field.
        }
        cluster.OutlierDetection = detection;

        // Istio sets the panic threshold even when it is 0, which disables panic mode (Envoy's default is
        // 50%): with few pods per service, panic routing would send traffic to the ejected hosts. An unset
        // minHealthPercent is Istio's 0; validation keeps it within 0-100, Istio's ">= 0" condition.
        // (Istio forces 0 for services whose unready endpoints it sends; Trellis sends ready endpoints only.)
        cluster.CommonLbConfig ??= new Cluster.Types.CommonLbConfig();
        cluster.CommonLbConfig.HealthyPanicThreshold = new Percent { Value = outlier.MinHealthPercent ?? 0 };
    }
}
