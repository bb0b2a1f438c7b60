using Trellis.Config.Model.Smi;
using Trellis.Config.Semantics.Smi;

namespace Trellis.Config.Validation;

/// <summary>The SMI schema's rules for a TrafficSplit, and what Trellis does not act on.</summary>
internal static class TrafficSplitValidator
{
    public static void Validate(ValidationSink sink, TrafficSplitSpec spec)
    {
        sink.Required("spec.service", spec.Service);
        if (spec.Backends is not { Count: > 0 } backends)
        {
            sink.Error("spec.backends", "a TrafficSplit needs at least one backend");
            return;
        }
        for (var i = 0; i < backends.Count; i++)
        {
            sink.Required($"spec.backends[{i}].service", backends[i].Service);
            if (backends[i].Weight is null) sink.Error($"spec.backends[{i}].weight", "missing required field");
            else if (TrafficSplitWeights.Parse(backends[i].Weight) is not >= 0)
                sink.Error($"spec.backends[{i}].weight", $"\"{backends[i].Weight}\" is not a weight: write a non-negative integer (or a quantity such as 500m)");
        }
        if (backends.All(b => TrafficSplitWeights.Parse(b.Weight) == 0))
            sink.Warning("spec.backends", "every weight is 0: the split sends nothing, so the apex Service routes as if there were no TrafficSplit");
        if (spec.Matches is { Count: > 0 })
            sink.Info("spec.matches", "Limiting a split to HTTPRouteGroup matches is accepted, not yet enforced by Trellis: the split applies to every request", DiagnosticCodes.NotYetEnforced);
    }
}
