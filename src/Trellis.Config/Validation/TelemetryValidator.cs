using Trellis.Config.Loading;
using Trellis.Config.Model.Telemetry;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of Telemetry, as Istio's validation states them, and which of its parts Trellis does not act on
/// yet (TRL0006): access logging to the built-in and file providers (with CEL filters), tracing and overrides of the
/// standard metrics are enforced; custom metrics and reporting intervals are accepted and reported.</summary>
internal static class TelemetryValidator
{
    private const string Suffix = "is accepted, not yet enforced by Trellis";

    public static void Validate(ValidationSink sink, TelemetrySpec spec)
    {
        if (spec.Selector?.Labels is not null)
            sink.Error("spec.selector.labels", "unknown field \"labels\", did you mean \"matchLabels\"? (Telemetry selects workloads with matchLabels)");
        LabelValidation.Check(sink, "spec.selector.matchLabels", spec.Selector?.MatchLabels);
        if (spec.Selector is not null && (spec.TargetRef is not null || spec.TargetRefs is { Count: > 0 }))
            sink.Error("spec.selector", "only one of selector and targetRef(s) may be set");
        if (spec.TargetRef is not null || spec.TargetRefs is { Count: > 0 })
            sink.Info(spec.TargetRef is not null ? "spec.targetRef" : "spec.targetRefs",
                $"A Telemetry attached by targetRef binds Gateway API gateways and waypoints, which Trellis does not run: it {Suffix}", DiagnosticCodes.NotYetEnforced);

        for (var i = 0; i < (spec.Tracing?.Count ?? 0); i++)
        {
            var tracing = spec.Tracing![i];
            var at = $"spec.tracing[{i}]";
            if (tracing.RandomSamplingPercentage is { } rate and (< 0 or > 100))
                sink.Error($"{at}.randomSamplingPercentage", $"{rate} is not a percentage between 0 and 100");
            Providers(sink, at, tracing.Providers);
            foreach (var (name, tag) in tracing.CustomTags ?? new Dictionary<string, TracingCustomTag>())
                if (new object?[] { tag.Literal, tag.Environment, tag.Header }.Count(t => t is not null) != 1)
                    sink.Error($"{at}.customTags.{name}", "a custom tag is exactly one of literal, environment and header");
            if (tracing.EnableIstioTags == false)
                sink.Info($"{at}.enableIstioTags", $"Turning Istio's span tags off {Suffix}: spans carry them", DiagnosticCodes.NotYetEnforced);
        }

        for (var i = 0; i < (spec.Metrics?.Count ?? 0); i++)
        {
            var metrics = spec.Metrics![i];
            var at = $"spec.metrics[{i}]";
            Providers(sink, at, metrics.Providers);
            for (var j = 0; j < (metrics.Overrides?.Count ?? 0); j++)
            {
                var over = metrics.Overrides![j];
                var path = $"{at}.overrides[{j}]";
                if (over.Match is { Metric: not null, CustomMetric: not null })
                    sink.Error($"{path}.match", "set either metric or customMetric, not both");
                foreach (var (tag, tagOverride) in over.TagOverrides ?? new Dictionary<string, MetricTagOverride>())
                {
                    var tagPath = FieldPath.Member($"{path}.tagOverrides", tag);
                    if (tagOverride.Operation == "REMOVE" && !string.IsNullOrEmpty(tagOverride.Value))
                        sink.Error($"{tagPath}.value", "a REMOVE operation takes no value");
                    if (tagOverride.Operation is null or "UPSERT" && string.IsNullOrEmpty(tagOverride.Value))
                        sink.Error($"{tagPath}.value", "an UPSERT operation needs a value (an expression over request attributes, such as request.host)");
                    else if (tagOverride.Operation is null or "UPSERT" && Semantics.CelExpressions.Problem(tagOverride.Value!) is { } problem)
                        sink.Error($"{tagPath}.value", problem);
                }
                if (over.Match?.CustomMetric is not null)
                    sink.Info($"{path}.match.customMetric", $"Overriding a custom metric {Suffix}: the proxies report only Istio's standard metrics", DiagnosticCodes.NotYetEnforced);
            }
            if (metrics.ReportingInterval is not null)
                sink.Info($"{at}.reportingInterval", $"The reporting interval {Suffix}: Prometheus scrapes the proxies whenever it asks", DiagnosticCodes.NotYetEnforced);
        }

        for (var i = 0; i < (spec.AccessLogging?.Count ?? 0); i++)
        {
            var logging = spec.AccessLogging![i];
            var at = $"spec.accessLogging[{i}]";
            Providers(sink, at, logging.Providers);
            if (logging.Filter is { } filter)
            {
                if (string.IsNullOrWhiteSpace(filter.Expression)) sink.Error($"{at}.filter.expression", "missing required field (a CEL expression such as response.code >= 400)");
                else if (Semantics.CelExpressions.Problem(filter.Expression) is { } problem) sink.Error($"{at}.filter.expression", problem);
            }
        }
    }

    private static void Providers(ValidationSink sink, string at, IReadOnlyList<TelemetryProviderRef>? providers)
    {
        for (var i = 0; i < (providers?.Count ?? 0); i++)
            if (string.IsNullOrEmpty(providers![i].Name)) sink.Error($"{at}.providers[{i}].name", "missing required field (an extensionProviders name of the mesh config)");
    }
}
