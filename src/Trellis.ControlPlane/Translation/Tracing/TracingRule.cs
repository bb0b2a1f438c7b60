using Trellis.Config.Model.Telemetry;

namespace Trellis.ControlPlane.Translation.Tracing;

/// <summary>The tracing in effect on one side (client or server) of a proxy after Istio's inheritance: each Telemetry
/// from the mesh down to the workload overrides what it sets (providers, sampling, span reporting) and adds custom tags,
/// a narrower tag replacing a wider one of the same name.</summary>
internal sealed record TracingRule(IReadOnlyList<string>? Providers, double? SamplingPercentage, bool DisableSpanReporting,
    IReadOnlyDictionary<string, TracingCustomTag> CustomTags, bool? UseRequestIdForTraceSampling = null)
{
    public static readonly TracingRule None = new(null, null, false, new Dictionary<string, TracingCustomTag>());

    public TracingRule Then(TelemetryTracing rule) => new(
        rule.Providers is { Count: > 0 } providers ? providers.Select(p => p.Name).OfType<string>().ToList() : Providers,
        rule.RandomSamplingPercentage ?? SamplingPercentage,
        rule.DisableSpanReporting ?? DisableSpanReporting,
        rule.CustomTags is { Count: > 0 } tags ? CustomTags.Concat(tags).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Last().Value) : CustomTags,
        rule.UseRequestIdForTraceSampling ?? UseRequestIdForTraceSampling);
}
