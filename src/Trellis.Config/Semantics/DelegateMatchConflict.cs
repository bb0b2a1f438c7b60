using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics;

/// <summary>istiod's test of whether a delegate's match can be narrowed to a root match: it conflicts unless every
/// condition both set is provably within the root's (exact within exact or prefix, prefix within prefix; a regex only
/// where the other side sets nothing).</summary>
internal static class DelegateMatchConflict
{
    public static bool Between(HttpMatchRequest root, HttpMatchRequest leaf)
    {
        if (Conflict(root.Uri, leaf.Uri) || Conflict(root.Scheme, leaf.Scheme) || Conflict(root.Method, leaf.Method) || Conflict(root.Authority, leaf.Authority))
            return true;
        if (MapConflict(root.Headers, leaf.Headers) || MapConflict(root.WithoutHeaders, leaf.WithoutHeaders) || MapConflict(root.QueryParams, leaf.QueryParams))
            return true;
        if ((root.IgnoreUriCase ?? false) != (leaf.IgnoreUriCase ?? false)) return true;
        if (root.Port is > 0 && leaf.Port is > 0 && root.Port != leaf.Port) return true;
        if (!string.IsNullOrEmpty(root.SourceNamespace) && leaf.SourceNamespace != root.SourceNamespace) return true;
        foreach (var (key, value) in leaf.SourceLabels ?? new Dictionary<string, string>())
            if (root.SourceLabels?.TryGetValue(key, out var rootValue) == true && rootValue != value) return true;
        if (root.Gateways is { Count: > 0 } rootGateways && leaf.Gateways is { Count: > 0 } leafGateways)
            return leafGateways.Any(g => !rootGateways.Contains(g));
        return false;
    }

    private static bool MapConflict(IReadOnlyDictionary<string, StringMatch>? root, IReadOnlyDictionary<string, StringMatch>? leaf)
    {
        foreach (var (key, value) in leaf ?? new Dictionary<string, StringMatch>())
            if (Conflict(root?.GetValueOrDefault(key), value)) return true;
        return false;
    }

    private static bool Conflict(StringMatch? root, StringMatch? leaf)
    {
        if (root is null || leaf is null) return false;
        if (Set(root.Regex) && (Set(leaf.Regex) || Set(leaf.Prefix) || Set(leaf.Exact))) return true;
        if (Set(leaf.Regex) && (Set(root.Prefix) || Set(root.Exact))) return true;
        if (Set(root.Exact)) return Set(leaf.Prefix) || leaf.Exact != root.Exact;
        if (Set(root.Prefix))
        {
            if (Set(leaf.Prefix)) return !leaf.Prefix!.StartsWith(root.Prefix!, StringComparison.Ordinal);
            if (Set(leaf.Exact)) return !leaf.Exact!.StartsWith(root.Prefix!, StringComparison.Ordinal);
        }
        return true;
    }

    private static bool Set(string? value) => !string.IsNullOrEmpty(value);
}
