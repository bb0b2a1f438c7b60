using Envoy.Config.Accesslog.V3;
using Trellis.Config.Model.Telemetry;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation.AccessLogs;

/// <summary>The access logs of one proxy's HCMs, client side (outbound, gateway) and server side (inbound), as istiod
/// decides them: the narrowest Telemetry (workload, then namespace, then mesh) that sets <c>accessLogging</c> decides;
/// each of its rules applies to its <c>match.mode</c>, sends to its providers (or the mesh config's
/// defaultProviders.accessLogging) and <c>disabled: true</c> turns them off; with no such Telemetry, the mesh config's
/// defaultProviders, else its accessLogFile, decide.</summary>
internal static class TelemetryAccessLogs
{
    public static AccessLogsByDirection For(MeshModel mesh, ProxyNode node)
    {
        var settings = mesh.Settings;
        IReadOnlyList<TelemetryAccessLogging>? rules = null;
        foreach (var (_, spec) in new TelemetryScopes(mesh.Resources, settings.RootNamespace).For(node.Namespace, node.Labels).WidestFirst)
            if (spec.AccessLogging is { Count: > 0 } logging) rules = logging;
        if (rules is null)
        {
            var standard = settings.DefaultAccessLogProviders.Count > 0 ? Loggers(mesh, settings.DefaultAccessLogProviders) : MeshAccessLogs.For(settings);
            return new AccessLogsByDirection(standard, standard);
        }
        return new AccessLogsByDirection(ForMode(mesh, rules, TelemetryModeSelector.Client), ForMode(mesh, rules, TelemetryModeSelector.Server));
    }

    /// <summary>The loggers of one side: each enabling rule's providers with that rule's filter (Istio keeps a provider's
    /// first enabling rule), less the providers a disabling rule names.</summary>
    private static IReadOnlyList<AccessLog> ForMode(MeshModel mesh, IReadOnlyList<TelemetryAccessLogging> rules, string side)
    {
        var enabled = new List<(string Provider, string? Filter)>();
        var disabled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var mode = rule.Match?.Mode ?? TelemetryModeSelector.ClientAndServer;
            if (mode != TelemetryModeSelector.ClientAndServer && mode != side) continue;
            var providers = rule.Providers is { Count: > 0 } named ? named.Select(p => p.Name).OfType<string>().ToList() : mesh.Settings.DefaultAccessLogProviders;
            if (rule.Disabled == true) disabled.UnionWith(providers);
            else enabled.AddRange(providers.Select(p => (p, rule.Filter?.Expression is { Length: > 0 } expression ? expression : null)));
        }
        return enabled.Where(e => !disabled.Contains(e.Provider)).DistinctBy(e => e.Provider)
            .SelectMany(e => Loggers(mesh, [e.Provider]).Select(log => WithFilter(log, e.Filter))).ToList();
    }

    /// <summary>Istio's translation of a Telemetry filter: Envoy's CEL extension filter on the logger.</summary>
    private static AccessLog WithFilter(AccessLog log, string? expression)
    {
        if (expression is null) return log;
        log.Filter = new Envoy.Config.Accesslog.V3.AccessLogFilter
        {
            ExtensionFilter = new ExtensionFilter
            {
                Name = CelFilterName,
                TypedConfig = XdsAny.Pack(new Envoy.Extensions.AccessLoggers.Filters.Cel.V3.ExpressionFilter { Expression = expression }),
            },
        };
        return log;
    }

    public const string CelFilterName = "envoy.access_loggers.extension_filters.cel";

    /// <summary>Loggers for the providers Trellis can serve: Istio's built-in "envoy" and envoyFileAccessLog providers.
    /// Others (OpenTelemetry or gRPC access log services) are left out; the analyzer warns of unknown names.</summary>
    private static IReadOnlyList<AccessLog> Loggers(MeshModel mesh, IReadOnlyList<string> providers)
    {
        var loggers = new List<AccessLog>();
        foreach (var name in providers)
        {
            var declared = mesh.Settings.ExtensionProviders.FirstOrDefault(p => p.Name == name);
            if (declared?.EnvoyFileAccessLog is { } file) loggers.Add(MeshAccessLogs.File(file));
            else if (declared is null && name == "envoy") loggers.Add(MeshAccessLogs.BuiltInEnvoy(mesh.Settings));
        }
        return loggers;
    }
}

/// <summary>The access logs of a proxy's client-side and server-side HCMs.</summary>
internal sealed record AccessLogsByDirection(IReadOnlyList<AccessLog> Client, IReadOnlyList<AccessLog> Server);
