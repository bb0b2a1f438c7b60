namespace Trellis.Cli.Describe;

/// <summary>The human-readable form of a pod description, in the shape of istioctl x describe pod.</summary>
internal static class PodDescriptionText
{
    public static void Print(PodDescription d)
    {
        Console.WriteLine($"Pod: {d.Pod}");
        Console.WriteLine($"   Namespace: {d.Namespace}");
        Console.WriteLine($"   Service account: {d.ServiceAccount}");
        Console.WriteLine($"   Labels: {string.Join(",", d.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}");
        if (d.Ports.Count == 0) Console.WriteLine("Suggestion: no Service selects this pod, so nothing in the mesh routes to it.");
        foreach (var p in d.Ports)
        {
            Console.WriteLine("--------------------");
            Console.WriteLine($"Service: {p.Service}");
            Console.WriteLine($"   Port: {p.PortName ?? p.Port.ToString()} {p.Port}/{p.TargetPort}");
            Console.WriteLine($"   Effective PeerAuthentication: {p.Mtls} on port {p.TargetPort}, from {p.MtlsDecidedBy}");
            Console.WriteLine(p.DestinationRule is null
                ? "   DestinationRule: none"
                : $"   DestinationRule: {p.DestinationRule} for \"{p.Service}\"" + (p.Subsets.Count > 0 ? $"\n      Matching subsets: {string.Join(",", p.Subsets)}" : ""));
            Console.WriteLine($"      Client TLS: {p.ClientTls ?? "auto mTLS (ISTIO_MUTUAL to endpoints with a sidecar)"}");
            Console.WriteLine(p.VirtualServices.Count == 0 ? "   VirtualServices: none (default routing)" : $"   VirtualServices: {string.Join(", ", p.VirtualServices)}");
        }
        Console.WriteLine("--------------------");
        Console.WriteLine("Authorization (as the pod's proxy enforces it):");
        Trellis.Cli.Commands.AuthzCommand.Print(d.AuthorizationPolicies);
        Console.WriteLine($"Rule by rule, with what each matches: `{d.AuthorizationDetail}`");
    }
}
