using Trellis.Config.Model;
using Trellis.Config.Model.Core;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics.Ingress;

/// <summary>The HTTP routes of one Ingress rule, each with what Kubernetes orders them by.</summary>
internal static class IngressRoutes
{
    internal sealed record Ordered(HttpRoute Route, int PathLength, bool Exact);

    /// <summary>Kubernetes' precedence for matching paths: the longest path first, an Exact before a Prefix of the same
    /// length, otherwise in the order written (istiod's sortHTTPRoutes).</summary>
    public static IEnumerable<HttpRoute> InKubernetesOrder(IEnumerable<Ordered> routes) =>
        routes.OrderByDescending(r => r.PathLength).ThenBy(r => r.Exact ? 0 : 1).Select(r => r.Route);

    public static IEnumerable<Ordered> Of(Resource ingress, IngressRule rule, IReadOnlyList<Resource> resources)
    {
        var ns = ingress.Metadata.Namespace ?? "default";
        foreach (var path in rule.Http?.Paths ?? [])
        {
            if (path.Backend?.Service is not { Name: { Length: > 0 } name } service || Port(service, ns, resources) is not { } port) continue;
            var (matches, length, exact) = Matches(path);
            var route = new HttpRoute
            {
                Match = matches,
                Route = [new HttpRouteDestination { Destination = new Destination { Host = HostName.Fqdn(name, ns), Port = new PortSelector { Number = port } }, Weight = 100 }],
            };
            yield return new Ordered(route, length, exact);
        }
    }

    /// <summary>The Service port a backend names, by number or by its name on the Service; null when there is none.</summary>
    public static int? Port(IngressServiceBackend service, string ns, IReadOnlyList<Resource> resources)
    {
        if (service.Port?.Number is > 0 and var number) return number;
        var spec = resources.FirstOrDefault(r => r.Kind == "Service" && r.Metadata.Name == service.Name && (r.Metadata.Namespace ?? "default") == ns)?.SpecAs<ServiceSpec>();
        return spec?.Ports?.FirstOrDefault(p => p.Name == service.Port?.Name)?.Port;
    }

    /// <summary>Exact is an exact match; Prefix matches whole path elements (<c>/foo</c> takes /foo and /foo/bar, not
    /// /foobar), written as the exact path or the path with a trailing slash as a prefix; ImplementationSpecific is
    /// istiod's legacy form (<c>/foo.*</c> or <c>/foo/*</c> a prefix, <c>*</c> everything, anything else exact).</summary>
    private static (IReadOnlyList<HttpMatchRequest>? Matches, int Length, bool Exact) Matches(HttpIngressPath path)
    {
        var value = path.Path ?? "";
        switch (path.PathType)
        {
            case HttpIngressPath.Exact:
                return ([Uri(new StringMatch { Exact = value })], value.Length, true);
            case HttpIngressPath.Prefix:
                var trimmed = value.TrimEnd('/');
                return (trimmed.Length == 0
                    ? [Uri(new StringMatch { Prefix = "/" })]
                    : [Uri(new StringMatch { Exact = trimmed }), Uri(new StringMatch { Prefix = trimmed + "/" })], value.Length, false);
            default:
                if (value is "" or "*" or "/*" or ".*") return (null, 0, false);
                if (value.EndsWith(".*", StringComparison.Ordinal)) return ([Uri(new StringMatch { Prefix = value[..^2] })], value.Length - 2, false);
                if (value.EndsWith("/*", StringComparison.Ordinal)) return ([Uri(new StringMatch { Prefix = value[..^2] })], value.Length - 2, false);
                return ([Uri(new StringMatch { Exact = value })], value.Length, true);
        }
    }

    private static HttpMatchRequest Uri(StringMatch match) => new() { Uri = match };
}
