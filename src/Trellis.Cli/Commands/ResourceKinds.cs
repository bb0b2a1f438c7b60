namespace Trellis.Cli.Commands;

/// <summary>kubectl-style resource names and short names for `trellis get`.</summary>
internal static class ResourceKinds
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pods"] = "Pod", ["pod"] = "Pod", ["po"] = "Pod",
        ["services"] = "Service", ["service"] = "Service", ["svc"] = "Service",
        ["deployments"] = "Deployment", ["deployment"] = "Deployment", ["deploy"] = "Deployment",
        ["namespaces"] = "Namespace", ["namespace"] = "Namespace", ["ns"] = "Namespace",
        ["serviceaccounts"] = "ServiceAccount", ["serviceaccount"] = "ServiceAccount", ["sa"] = "ServiceAccount",
        ["virtualservices"] = "VirtualService", ["virtualservice"] = "VirtualService", ["vs"] = "VirtualService",
        ["destinationrules"] = "DestinationRule", ["destinationrule"] = "DestinationRule", ["dr"] = "DestinationRule",
        ["gateways"] = "Gateway", ["gateway"] = "Gateway", ["gw"] = "Gateway",
        ["serviceentries"] = "ServiceEntry", ["serviceentry"] = "ServiceEntry", ["se"] = "ServiceEntry",
    };

    public static string? Resolve(string name) => Aliases.GetValueOrDefault(name);

    public static IEnumerable<string> Known => Aliases.Keys.Where(k => k.EndsWith('s'));
}
