using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Security;
using Trellis.ControlPlane.Mesh;
using Trellis.Xds;
using Rbac = Envoy.Config.Rbac.V3.RBAC;
using RbacFilter = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;
using RbacPerRoute = Envoy.Extensions.Filters.Http.Rbac.V3.RBACPerRoute;

namespace Trellis.ControlPlane.Translation.Authorization;

/// <summary>What authorization adds to a proxy's HTTP connection manager.</summary>
/// <param name="HttpFilters">In Istio's order: CUSTOM (shadow RBAC + ext_authz), AUDIT, DENY, ALLOW. Empty when no policy applies.</param>
/// <param name="TcpOverrides">Per-filter config for the route that carries TCP (CONNECT tunnels into the app): the
/// same policies translated for TCP, as Istio's network RBAC filters see them.</param>
/// <param name="Problems">Policies that could not be applied as written, and what was done instead (always denying).</param>
internal sealed record AuthorizationConfig(
    IReadOnlyList<HttpFilter> HttpFilters,
    IReadOnlyDictionary<string, Any> TcpOverrides,
    IReadOnlyList<string> Problems)
{
    public static readonly AuthorizationConfig None = new([], new Dictionary<string, Any>(), []);
}

/// <summary>AuthorizationPolicy → Envoy RBAC and ext_authz HTTP filters for one proxy, as istiod's authz builder
/// (pilot/pkg/security/authz/builder) does it. One rule becomes one RBAC policy named ns[NS]-policy[NAME]-rule[I].
/// A policy that cannot be applied never opens anything: its rules deny instead, and the reason is reported.</summary>
internal static class AuthorizationFilters
{
    public const string RbacFilterType = "envoy.filters.http.rbac";
    public const string ExtAuthzFilterName = "envoy.filters.http.ext_authz";

    // One name per RBAC filter, so the TCP route can give each its own TCP translation.
    public const string CustomRbacFilterName = RbacFilterType + ".custom";
    public const string AuditFilterName = RbacFilterType + ".audit";
    public const string DenyFilterName = RbacFilterType + ".deny";
    public const string AllowFilterName = RbacFilterType + ".allow";

    private const string BadCustomSuffix = "-deny-due-to-bad-CUSTOM-action";
    private const string DryRunAllowPrefix = "istio_dry_run_allow_";
    private const string DryRunDenyPrefix = "istio_dry_run_deny_";

    /// <summary>The filters for a sidecar (inbound) or gateway proxy.</summary>
    public static AuthorizationConfig For(MeshModel mesh, ProxyNode node)
    {
        var policies = ApplicablePolicies.For(mesh.Resources, mesh.Settings.RootNamespace, node.Namespace, node.Labels);
        if (policies.Count == 0) return AuthorizationConfig.None;
        Func<uint, uint?>? portMap = null;
        if (node.Kind == ProxyKind.Sidecar && node.Port(ProxyNode.InboundPortKey) is { } listener && node.Port(ProxyNode.AppPortKey) is { } app)
        {
            var container = (uint)(node.Port(ProxyNode.ContainerPortKey) ?? app);
            portMap = port => port == container ? (uint)listener : null;
        }
        return Build(mesh, policies, node.Namespace, portMap);
    }

    public static AuthorizationConfig Build(MeshModel mesh, IReadOnlyList<AppliedPolicy> policies, string workloadNamespace, Func<uint, uint?>? portMap)
    {
        var filters = new List<HttpFilter>();
        var tcp = new Dictionary<string, Any>(StringComparer.Ordinal);
        var problems = new List<string>();

        Custom(mesh, policies.Where(p => p.Action == AuthorizationPolicySpec.Custom).ToList(), workloadNamespace, portMap, filters, tcp, problems);
        Standard(policies, AuthorizationPolicySpec.Audit, RbacAction.Log, AuditFilterName, portMap, filters, tcp, problems);
        Standard(policies, AuthorizationPolicySpec.Deny, RbacAction.Deny, DenyFilterName, portMap, filters, tcp, problems);
        Standard(policies, AuthorizationPolicySpec.Allow, RbacAction.Allow, AllowFilterName, portMap, filters, tcp, problems);
        return new AuthorizationConfig(filters, tcp, problems);
    }

    private static void Standard(IReadOnlyList<AppliedPolicy> all, string action, RbacAction rbacAction, string filterName,
        Func<uint, uint?>? portMap, List<HttpFilter> filters, Dictionary<string, Any> tcp, List<string> problems)
    {
        var policies = all.Where(p => p.Action == action).ToList();
        if (policies.Count == 0) return;
        filters.Add(Filter(filterName, RbacConfig(policies, rbacAction, forTcp: false, portMap, problems)));
        tcp[filterName] = XdsAny.Pack(new RbacPerRoute { Rbac = RbacConfig(policies, rbacAction, forTcp: true, portMap, problems: null) });
    }

    /// <summary>Enforced rules, and the dry-run policies' rules as shadow rules that are only logged.</summary>
    private static RbacFilter RbacConfig(IReadOnlyList<AppliedPolicy> policies, RbacAction action, bool forTcp, Func<uint, uint?>? portMap, List<string>? problems)
    {
        var enforced = Rules(policies.Where(p => !p.DryRun), action, forTcp, portMap, problems, prefix: "");
        var shadow = Rules(policies.Where(p => p.DryRun), action, forTcp, portMap, problems, prefix: "");
        var config = new RbacFilter();
        if (policies.Any(p => !p.DryRun)) config.Rules = enforced;
        if (policies.Any(p => p.DryRun))
        {
            config.ShadowRules = shadow;
            config.ShadowRulesStatPrefix = action switch
            {
                RbacAction.Allow => DryRunAllowPrefix,
                RbacAction.Deny => DryRunDenyPrefix,
                _ => "",
            };
        }
        return config;
    }

    private static Rbac Rules(IEnumerable<AppliedPolicy> policies, RbacAction action, bool forTcp, Func<uint, uint?>? portMap, List<string>? problems, string prefix)
    {
        var rbac = new Rbac
        {
            Action = action switch
            {
                RbacAction.Allow => Rbac.Types.Action.Allow,
                RbacAction.Deny => Rbac.Types.Action.Deny,
                _ => Rbac.Types.Action.Log,
            },
        };
        foreach (var policy in policies)
        {
            var context = new RuleContext(policy.Namespace, forTcp, action, portMap);
            var rules = policy.Spec.Rules ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                var name = $"{prefix}{PolicyName(policy, i)}";
                if (RuleModel.Translate(rules[i], context, out var skipped) is { } translated) rbac.Policies[name] = translated;
                else if (!forTcp) problems?.Add($"{policy.Namespace}/{policy.Name} rule[{i}] skipped: {skipped}");
            }
            if (rules.Count == 0) rbac.Policies[$"{prefix}{PolicyName(policy, 0)}"] = RuleModel.MatchNever();
        }
        return rbac;
    }

    /// <summary>CUSTOM: a shadow RBAC marks the requests the rules match with the provider's policy name, and the
    /// provider's ext_authz filter runs only for those. A provider that cannot be used turns its rules into DENY rules.
    /// On TCP, an HTTP provider does not apply (as in Istio); denying rules stay.</summary>
    private static void Custom(MeshModel mesh, IReadOnlyList<AppliedPolicy> policies, string workloadNamespace, Func<uint, uint?>? portMap,
        List<HttpFilter> filters, Dictionary<string, Any> tcp, List<string> problems)
    {
        if (policies.Count == 0) return;
        var providers = policies.Select(p => p.Spec.Provider?.Name ?? "").Distinct().Order(StringComparer.Ordinal).ToList();
        var many = providers.Count > 1;
        if (many) problems.Add($"CUSTOM policies name {providers.Count} providers ({string.Join(", ", providers)}); one workload can use one, so their rules deny");
        foreach (var provider in providers)
        {
            var own = policies.Where(p => (p.Spec.Provider?.Name ?? "") == provider).ToList();
            var prefix = $"{ExtAuthzProviders.MatchPrefix}-{provider}-";
            string? error = null;
            var extAuthz = many ? null : ExtAuthzProviders.Build(mesh, provider, workloadNamespace, out error);
            var suffix = providers.Count > 1 ? $".{provider}" : "";
            if (extAuthz is null)
            {
                if (error is not null) problems.Add($"CUSTOM policies {string.Join(", ", own.Select(p => $"{p.Namespace}/{p.Name}"))}: {error}; their rules deny");
                var http = BadCustom(Rules(own, RbacAction.Deny, forTcp: false, portMap, problems, prefix));
                filters.Add(Filter(CustomRbacFilterName + suffix, new RbacFilter { Rules = http }));
                tcp[CustomRbacFilterName + suffix] = XdsAny.Pack(new RbacPerRoute
                {
                    Rbac = new RbacFilter { Rules = BadCustom(Rules(own, RbacAction.Deny, forTcp: true, portMap, null, prefix)) },
                });
                continue;
            }
            var shadow = new RbacFilter
            {
                ShadowRules = Rules(own.Where(p => !p.DryRun), RbacAction.Deny, forTcp: false, portMap, problems, prefix),
                ShadowRulesStatPrefix = ExtAuthzProviders.ShadowStatPrefix,
            };
            var dryRun = Rules(own.Where(p => p.DryRun), RbacAction.Deny, forTcp: false, portMap, problems, prefix);
            if (dryRun.Policies.Count > 0) shadow.Rules = dryRun;
            filters.Add(Filter(CustomRbacFilterName, shadow));
            filters.Add(Filter(ExtAuthzFilterName, extAuthz));
            tcp[CustomRbacFilterName] = Disabled();
            tcp[ExtAuthzFilterName] = Disabled();
        }
    }

    private static Rbac BadCustom(Rbac rules)
    {
        var deny = new Rbac { Action = Rbac.Types.Action.Deny };
        foreach (var (name, policy) in rules.Policies) deny.Policies[name + BadCustomSuffix] = policy;
        return deny;
    }

    public static string PolicyName(AppliedPolicy policy, int rule) => $"ns[{policy.Namespace}]-policy[{policy.Name}]-rule[{rule}]";

    private static HttpFilter Filter(string name, Google.Protobuf.IMessage config) => new() { Name = name, TypedConfig = XdsAny.Pack(config) };

    private static Any Disabled() => XdsAny.Pack(new FilterConfig { Disabled = true });

    /// <summary>The route that carries CONNECT tunnels into the app, with the TCP translation of the policies.</summary>
    public static Route WithTcp(Route connectRoute, AuthorizationConfig? config)
    {
        foreach (var (name, any) in config?.TcpOverrides ?? new Dictionary<string, Any>()) connectRoute.TypedPerFilterConfig[name] = any;
        return connectRoute;
    }
}
