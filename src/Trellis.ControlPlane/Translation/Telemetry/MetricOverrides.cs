using Trellis.Config.Model.Telemetry;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;
using Trellis.Stats.V1;

namespace Trellis.ControlPlane.Translation.Telemetry;

/// <summary>Telemetry <c>metrics[].overrides</c> as istiod applies them to one proxy: every Telemetry from the mesh down
/// to the workload contributes its overrides in order (a narrower one later, so it wins), each on its
/// <c>match.mode</c> side, for the Prometheus provider (or no provider named). The result rides on each HCM as the
/// <c>istio.stats</c> HTTP filter (<see cref="HcmTelemetry"/>); a side without overrides gets no filter.</summary>
internal static class MetricOverrides
{
    public const string FilterName = "istio.stats";

    public static (StatsConfig? Client, StatsConfig? Server) For(MeshModel mesh, ProxyNode node)
    {
        var rules = new TelemetryScopes(mesh.Resources, mesh.Settings.RootNamespace).For(node.Namespace, node.Labels).WidestFirst
            .SelectMany(s => s.Spec.Metrics ?? []).Where(ForPrometheus).ToList();
        return (Side(rules, TelemetryModeSelector.Client), Side(rules, TelemetryModeSelector.Server));
    }

    private static bool ForPrometheus(TelemetryMetrics rule) =>
        rule.Providers is not { Count: > 0 } providers || providers.Any(p => p.Name == "prometheus");

    private static StatsConfig? Side(IReadOnlyList<TelemetryMetrics> rules, string side)
    {
        var config = new StatsConfig();
        foreach (var over in rules.SelectMany(r => r.Overrides ?? []))
        {
            var mode = over.Match?.Mode ?? TelemetryModeSelector.ClientAndServer;
            if (mode != TelemetryModeSelector.ClientAndServer && mode != side) continue;
            if (over.Match?.CustomMetric is not null) continue;
            var metric = new MetricOverride { Metric = over.Match?.Metric ?? MetricSelector.AllMetrics, Disabled = over.Disabled == true };
            foreach (var (tag, change) in over.TagOverrides ?? new Dictionary<string, MetricTagOverride>())
                metric.Tags[tag] = change.Operation == "REMOVE" ? new TagOverride { Remove = true } : new TagOverride { Value = change.Value ?? "" };
            config.Overrides.Add(metric);
        }
        return config.Overrides.Count > 0 ? config : null;
    }
}
