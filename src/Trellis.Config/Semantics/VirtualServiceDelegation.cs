using Trellis.Config.Model;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics;

/// <summary>Istio's VirtualService delegation, as istiod merges it before anything is routed: a VirtualService without
/// hosts is a delegate and routes nothing itself; a root rule with <c>delegate</c> is replaced by the delegate's rules,
/// each narrowed to the root rule's matches and inheriting what it leaves unset. A delegate that is missing or not
/// exported to the root's namespace drops the root rule; a delegate rule whose match is not within the root's is
/// dropped. Each drop is reported, since istiod drops them silently.</summary>
public static class VirtualServiceDelegation
{
    /// <summary>The resources with every root VirtualService's delegated rules merged in and the delegates removed;
    /// other resources unchanged, in the same order.</summary>
    public static IReadOnlyList<Resource> Merge(IReadOnlyList<Resource> resources, ExportToDefaults defaults, Action<DelegationProblem>? report = null)
    {
        Dictionary<(string Ns, string Name), Resource>? delegates = null;
        foreach (var resource in resources)
            if (resource.Spec is VirtualServiceSpec { Hosts: not { Count: > 0 } })
                (delegates ??= [])[(Ns(resource), resource.Metadata.Name)] = resource;
        if (delegates is null && !resources.Any(IsRoot)) return resources;

        var merged = new List<Resource>(resources.Count);
        foreach (var resource in resources)
        {
            if (resource.Spec is not VirtualServiceSpec spec) merged.Add(resource);
            else if (spec.Hosts is not { Count: > 0 }) continue;
            else if (!IsRoot(resource)) merged.Add(resource);
            else merged.Add(resource.WithSpec(spec with { Http = MergeRoot(resource, spec, delegates, defaults, report) }));
        }
        return merged;
    }

    private static bool IsRoot(Resource resource) =>
        resource.Spec is VirtualServiceSpec { Hosts.Count: > 0, Http: { } http } && http.Any(r => r.Delegate is not null);

    private static List<HttpRoute> MergeRoot(Resource root, VirtualServiceSpec spec, Dictionary<(string, string), Resource>? delegates,
        ExportToDefaults defaults, Action<DelegationProblem>? report)
    {
        var routes = new List<HttpRoute>();
        for (var i = 0; i < spec.Http!.Count; i++)
        {
            var rule = spec.Http[i];
            if (rule.Delegate is not { } reference)
            {
                routes.Add(rule);
                continue;
            }
            var path = $"spec.http[{i}].delegate";
            var ns = string.IsNullOrEmpty(reference.Namespace) ? Ns(root) : reference.Namespace;
            if (delegates?.GetValueOrDefault((ns, reference.Name ?? "")) is not { } found)
            {
                report?.Invoke(new(root, path, $"the delegate VirtualService {ns}/{reference.Name} does not exist (a delegate is a VirtualService without hosts); this rule routes nothing", DelegateMissing: true));
                continue;
            }
            var delegateSpec = (VirtualServiceSpec)found.Spec!;
            if (!ExportTo.Allows(delegateSpec.ExportTo, defaults.VirtualService, ns, Ns(root)))
            {
                report?.Invoke(new(root, path, $"the delegate VirtualService {ns}/{reference.Name} is not exported to namespace {Ns(root)}; this rule routes nothing"));
                continue;
            }
            var delegated = delegateSpec.Http ?? [];
            for (var j = 0; j < delegated.Count; j++)
            {
                if (MergeRule(rule, ResolveHosts(delegated[j], ns)) is { } mergedRule) routes.Add(mergedRule);
                else report?.Invoke(new(root, path, $"rule http[{j}] of the delegate VirtualService {ns}/{reference.Name} matches outside this rule's matches (a delegate's match must be within the root's); it is ignored"));
            }
        }
        return routes;
    }

    /// <summary>istiod's mergeHTTPRoute: the delegate rule narrowed to the root's matches, taking the root's rewrite,
    /// timeout, retries, fault, mirrors, CORS policy and headers where it sets none; null when the matches conflict.</summary>
    private static HttpRoute? MergeRule(HttpRoute root, HttpRoute rule)
    {
        if (MergeMatches(root.Match, rule.Match) is not { } matches) return null;
        return rule with
        {
            Match = matches,
            Name = JoinNames(root.Name, rule.Name),
            Rewrite = rule.Rewrite ?? root.Rewrite,
            Timeout = rule.Timeout ?? root.Timeout,
            Retries = rule.Retries ?? root.Retries,
            Fault = rule.Fault ?? root.Fault,
            Mirror = rule.Mirror ?? root.Mirror,
            Mirrors = rule.Mirrors ?? root.Mirrors,
            MirrorPercent = rule.MirrorPercent ?? root.MirrorPercent,
            MirrorPercentage = rule.MirrorPercentage ?? root.MirrorPercentage,
            CorsPolicy = rule.CorsPolicy ?? root.CorsPolicy,
            Headers = rule.Headers ?? root.Headers,
        };
    }

    /// <summary>Every delegate match must fall within at least one root match; the result has one match per such pair.</summary>
    private static IReadOnlyList<HttpMatchRequest>? MergeMatches(IReadOnlyList<HttpMatchRequest>? root, IReadOnlyList<HttpMatchRequest>? rule)
    {
        if (root is not { Count: > 0 }) return rule;
        if (rule is not { Count: > 0 }) return root;
        var merged = new List<HttpMatchRequest>();
        foreach (var leaf in rule)
        {
            var within = false;
            foreach (var parent in root)
            {
                if (DelegateMatchConflict.Between(parent, leaf)) continue;
                merged.Add(MergeMatch(parent, leaf));
                within = true;
            }
            if (!within) return null;
        }
        return merged;
    }

    private static HttpMatchRequest MergeMatch(HttpMatchRequest root, HttpMatchRequest leaf) => leaf with
    {
        Name = JoinNames(root.Name, leaf.Name),
        Uri = leaf.Uri ?? root.Uri,
        Scheme = leaf.Scheme ?? root.Scheme,
        Method = leaf.Method ?? root.Method,
        Authority = leaf.Authority ?? root.Authority,
        Headers = Union(root.Headers, leaf.Headers),
        WithoutHeaders = Union(root.WithoutHeaders, leaf.WithoutHeaders),
        QueryParams = Union(root.QueryParams, leaf.QueryParams),
        Port = leaf.Port is > 0 ? leaf.Port : root.Port,
        SourceLabels = Union(root.SourceLabels, leaf.SourceLabels),
        SourceNamespace = string.IsNullOrEmpty(leaf.SourceNamespace) ? root.SourceNamespace : leaf.SourceNamespace,
        Gateways = leaf.Gateways is { Count: > 0 } ? leaf.Gateways : root.Gateways,
    };

    private static System.Collections.Immutable.ImmutableDictionary<string, StringMatch>? Union(
        System.Collections.Immutable.ImmutableDictionary<string, StringMatch>? root, System.Collections.Immutable.ImmutableDictionary<string, StringMatch>? leaf) =>
        root is not { Count: > 0 } ? leaf : leaf is not { Count: > 0 } ? root : root.SetItems(leaf);

    private static IReadOnlyDictionary<string, string>? Union(IReadOnlyDictionary<string, string>? root, IReadOnlyDictionary<string, string>? leaf)
    {
        if (root is not { Count: > 0 }) return leaf;
        if (leaf is not { Count: > 0 }) return root;
        var union = new Dictionary<string, string>(root);
        foreach (var (key, value) in leaf) union[key] = value;
        return union;
    }

    private static string? JoinNames(string? root, string? leaf) =>
        string.IsNullOrEmpty(leaf) ? root : string.IsNullOrEmpty(root) ? leaf : $"{root}-{leaf}";

    /// <summary>As istiod resolves each VirtualService's short names in its own namespace before merging, a delegate's
    /// <c>reviews</c> stays the delegate namespace's reviews once it routes in the root's namespace.</summary>
    private static HttpRoute ResolveHosts(HttpRoute rule, string ns) => rule with
    {
        Route = rule.Route?.Select(d => d with { Destination = Resolve(d.Destination, ns) }).ToList(),
        Mirror = Resolve(rule.Mirror, ns),
        Mirrors = rule.Mirrors?.Select(m => m with { Destination = Resolve(m.Destination, ns) }).ToList(),
    };

    private static Destination? Resolve(Destination? destination, string ns) =>
        destination?.Host is { Length: > 0 } host ? destination with { Host = HostName.Resolve(host, ns) } : destination;

    private static string Ns(Resource resource) => resource.Metadata.Namespace ?? "default";
}

/// <summary>A delegated rule that routes nothing, and why, at the root VirtualService's field.</summary>
public sealed record DelegationProblem(Resource Root, string Path, string Message, bool DelegateMissing = false);
