using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Trellis.Cli.Authorization;

/// <summary>One AuthorizationPolicy as a proxy enforces it: its action, and which of its rules are in the
/// proxy's RBAC config for HTTP requests and for TCP (CONNECT) traffic.</summary>
/// <param name="Action">ALLOW, DENY, AUDIT or CUSTOM; a CUSTOM policy whose provider cannot be used shows as DENY.</param>
/// <param name="Provider">The extension provider of a CUSTOM policy.</param>
/// <param name="DryRun">Evaluated and logged only (istio.io/dry-run).</param>
/// <param name="Note">Why the proxy enforces it differently from what the policy says, if it does.</param>
internal sealed record PolicyInEffect(
    string Action,
    string Namespace,
    string Name,
    IReadOnlyList<int> HttpRules,
    IReadOnlyList<int> TcpRules,
    string? Provider = null,
    bool DryRun = false,
    string? Note = null);

/// <summary>Reads the AuthorizationPolicies a proxy is enforcing from its config dump, as `istioctl x authz check`
/// does: the RBAC filters of its listeners' HTTP connection managers, named ns[NS]-policy[NAME]-rule[I], and the
/// per-route RBAC of the route that carries TCP tunnels. What the proxy runs is the truth, not what was applied.</summary>
internal static partial class PoliciesInEffect
{
    private const string ListenersDump = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump";
    private const string RbacType = "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC";
    private const string RbacPerRouteType = "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute";
    private const string ExtAuthzShadowPrefix = "istio_ext_authz_";
    private const string BadCustomSuffix = "-deny-due-to-bad-CUSTOM-action";

    [GeneratedRegex(@"^(?:istio-ext-authz-(?<provider>.*?)-)?ns\[(?<ns>[^\]]*)\]-policy\[(?<name>[^\]]*)\]-rule\[(?<rule>\d+)\](?<bad>-deny-due-to-bad-CUSTOM-action)?$")]
    private static partial Regex PolicyName();

    private sealed record Key(string Action, string Namespace, string Name, string? Provider, bool DryRun, bool BadCustom);

    public static IReadOnlyList<PolicyInEffect> Read(JsonNode dump)
    {
        var http = new Dictionary<Key, SortedSet<int>>();
        var tcp = new Dictionary<Key, SortedSet<int>>();
        var listeners = dump["configs"]?.AsArray().FirstOrDefault(c => (string?)c?["@type"] == ListenersDump);
        foreach (var listener in Items(listeners?["dynamic_listeners"]).Concat(Items(listeners?["static_listeners"])))
        {
            var config = listener?["active_state"]?["listener"] ?? listener?["listener"];
            foreach (var chain in Items(config?["filter_chains"]).Append(config?["default_filter_chain"]))
            {
                foreach (var filter in Items(chain?["filters"]))
                {
                    var hcm = filter?["typed_config"];
                    foreach (var httpFilter in Items(hcm?["http_filters"]))
                    {
                        if ((string?)httpFilter?["typed_config"]?["@type"] == RbacType) Collect(httpFilter!["typed_config"]!, http);
                    }
                    foreach (var vh in Items(hcm?["route_config"]?["virtual_hosts"]))
                    {
                        foreach (var route in Items(vh?["routes"]))
                        {
                            if (route?["match"]?["connect_matcher"] is null) continue;
                            foreach (var (_, perFilter) in route["typed_per_filter_config"]?.AsObject() ?? [])
                            {
                                if ((string?)perFilter?["@type"] == RbacPerRouteType && perFilter["rbac"] is { } rbac) Collect(rbac, tcp);
                            }
                        }
                    }
                }
            }
        }
        return http.Keys.Union(tcp.Keys).Distinct()
            .OrderBy(k => Order(k.Action)).ThenBy(k => k.Namespace, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal)
            .Select(k => new PolicyInEffect(k.BadCustom ? "DENY" : k.Action, k.Namespace, k.Name,
                http.TryGetValue(k, out var h) ? h.ToList() : [], tcp.TryGetValue(k, out var t) ? t.ToList() : [], k.Provider, k.DryRun,
                k.BadCustom ? $"CUSTOM provider \"{k.Provider}\" cannot be used, so the policy's rules deny" : null))
            .ToList();
    }

    private static void Collect(JsonNode rbac, Dictionary<Key, SortedSet<int>> into)
    {
        var custom = (string?)rbac["shadow_rules_stat_prefix"] == ExtAuthzShadowPrefix;
        if (rbac["rules"] is { } rules) Add(rules, custom ? "CUSTOM" : ActionOf(rules), dryRun: custom, into);
        if (rbac["shadow_rules"] is { } shadow) Add(shadow, custom ? "CUSTOM" : ActionOf(shadow), dryRun: !custom, into);
    }

    private static void Add(JsonNode rules, string action, bool dryRun, Dictionary<Key, SortedSet<int>> into)
    {
        foreach (var (name, _) in rules["policies"]?.AsObject() ?? [])
        {
            var match = PolicyName().Match(name);
            if (!match.Success) continue;
            var bad = match.Groups["bad"].Success;
            var provider = match.Groups["provider"].Success ? match.Groups["provider"].Value : null;
            var key = new Key(bad ? "CUSTOM" : action, match.Groups["ns"].Value, match.Groups["name"].Value, provider, dryRun && !bad, bad);
            if (!into.TryGetValue(key, out var set)) into[key] = set = [];
            set.Add(int.Parse(match.Groups["rule"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Proto JSON leaves out the default enum value, ALLOW.</summary>
    private static string ActionOf(JsonNode rules) => (string?)rules["action"] switch
    {
        "DENY" => "DENY",
        "LOG" => "AUDIT",
        _ => "ALLOW",
    };

    private static int Order(string action) => action switch
    {
        "CUSTOM" => 0,
        "AUDIT" => 1,
        "DENY" => 2,
        _ => 3,
    };

    private static IEnumerable<JsonNode?> Items(JsonNode? node) => node as JsonArray ?? [];
}
