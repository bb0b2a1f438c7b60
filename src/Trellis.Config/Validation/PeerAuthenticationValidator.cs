using System.Globalization;
using Trellis.Config.Loading;
using Trellis.Config.Model.Security;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of PeerAuthentication, as Istio's validation states them: a selector by matchLabels only,
/// port-level modes only on a workload policy, and port keys that are port numbers.</summary>
internal static class PeerAuthenticationValidator
{
    public static void Validate(ValidationSink sink, PeerAuthenticationSpec spec)
    {
        var selector = spec.Selector;
        if (selector?.Labels is not null)
            sink.Error("spec.selector.labels", "unknown field \"labels\", did you mean \"matchLabels\"? (PeerAuthentication selects workloads with matchLabels)");
        LabelValidation.Check(sink, "spec.selector.matchLabels", selector?.MatchLabels);
        if (selector is not null && selector.MatchLabels is not { Count: > 0 })
            sink.Warning("spec.selector", "the selector has no matchLabels, so this policy applies namespace-wide");
        if (spec.PortLevelMtls is not { } ports) return;
        if (selector?.MatchLabels is not { Count: > 0 })
            sink.Error("spec.portLevelMtls", "mesh-wide and namespace-wide PeerAuthentication cannot have portLevelMtls: add a selector with matchLabels");
        if (ports.Count == 0) sink.Error("spec.portLevelMtls", "portLevelMtls, if defined, must have at least one port");
        foreach (var key in ports.Keys)
            if (PortOf(key) is null)
                sink.Error(FieldPath.Member("spec.portLevelMtls", key), $"\"{key}\" is not a port number (1-65535): portLevelMtls is keyed by the workload's port");
    }

    /// <summary>The port a portLevelMtls key names, or null when it names none.</summary>
    public static int? PortOf(string key) =>
        int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;
}
