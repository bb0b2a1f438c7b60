using Trellis.Config;

namespace Trellis.ControlPlane.Mesh;

/// <summary>How mesh clients may name a service, in Host headers and in Istio host fields.</summary>
internal static class ServiceDomains
{
    /// <summary>The Host header values under which clients in <paramref name="clientNamespace"/> may address
    /// a service port, the same set Istio writes into a virtual host's domains: the short name only from
    /// the service's own namespace, as Kubernetes DNS resolves it (so same-named services in two
    /// namespaces never claim one domain).</summary>
    public static IReadOnlyList<string> For(ServiceModel service, int port, string clientNamespace)
    {
        var names = new List<string>(4)
        {
            service.Fqdn,
            $"{service.Name}.{service.Namespace}.svc",
            $"{service.Name}.{service.Namespace}",
        };
        if (service.Namespace == clientNamespace) names.Add(service.Name);
        var domains = new List<string>(names.Count * 2);
        foreach (var n in names)
        {
            domains.Add($"{n}:{port}");
            if (port == 80) domains.Add(n);
        }
        return domains;
    }
}
