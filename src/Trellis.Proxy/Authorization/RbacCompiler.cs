using Envoy.Config.Rbac.V3;
using Envoy.Type.Matcher.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Routing;
using PermissionProto = Envoy.Config.Rbac.V3.Permission;
using PrincipalProto = Envoy.Config.Rbac.V3.Principal;

namespace Trellis.Proxy.Authorization;

/// <summary>Compiles an envoy.config.rbac.v3.RBAC into an <see cref="RbacEngine"/>, once per configuration push.
/// Whatever Envoy's validation refuses, or this proxy cannot evaluate, throws ConfigException naming the policy and
/// the field: a policy is never applied in part.</summary>
internal static class RbacCompiler
{
    public static RbacEngine Compile(RBAC rbac, string where)
    {
        UnknownFields.Refuse(rbac, where);
        if (!Enum.IsDefined(rbac.Action)) throw new ConfigException($"{where}: action {(int)rbac.Action} is not ALLOW, DENY or LOG");
        var policies = new List<(string, RuleMatcher, RuleMatcher)>(rbac.Policies.Count);
        foreach (var (name, policy) in rbac.Policies)
        {
            var at = $"{where} policy \"{name}\"";
            if (policy.Permissions.Count == 0) throw new ConfigException($"{at}: permissions must hold at least one rule");
            if (policy.Principals.Count == 0) throw new ConfigException($"{at}: principals must hold at least one identifier");
            var permissions = policy.Permissions.Select((p, i) => Permission(p, $"{at} permissions[{i}]")).ToArray();
            var principals = policy.Principals.Select((p, i) => Principal(p, $"{at} principals[{i}]")).ToArray();
            policies.Add((name, Single(permissions) ?? new AnyOf(permissions), Single(principals) ?? new AnyOf(principals)));
        }
        return new RbacEngine(rbac.Action, policies);
    }

    private static RuleMatcher? Single(RuleMatcher[] matchers) => matchers.Length == 1 ? matchers[0] : null;

    private static RuleMatcher Permission(PermissionProto p, string at) => p.RuleCase switch
    {
        PermissionProto.RuleOneofCase.AndRules => new AllOf(Rules(p.AndRules.Rules, $"{at}.and_rules")),
        PermissionProto.RuleOneofCase.OrRules => new AnyOf(Rules(p.OrRules.Rules, $"{at}.or_rules")),
        PermissionProto.RuleOneofCase.Any => p.Any ? Always.Instance : throw new ConfigException($"{at}.any: must be true"),
        PermissionProto.RuleOneofCase.Header => new HeaderRule(HeaderMatch.From(p.Header, $"{at}.header")),
        PermissionProto.RuleOneofCase.UrlPath => new UrlPathRule(Path(p.UrlPath, $"{at}.url_path")),
        PermissionProto.RuleOneofCase.DestinationIp => new CidrRule(AddressKind.Destination, FilterChainMatchCompiler.Range(at, "destination_ip", p.DestinationIp)),
        PermissionProto.RuleOneofCase.DestinationPort when p.DestinationPort <= 65535 => new PortRule((int)p.DestinationPort, (int)p.DestinationPort + 1),
        PermissionProto.RuleOneofCase.DestinationPort => throw new ConfigException($"{at}.destination_port: {p.DestinationPort} is above 65535"),
        PermissionProto.RuleOneofCase.DestinationPortRange => new PortRule(p.DestinationPortRange.Start, p.DestinationPortRange.End),
        PermissionProto.RuleOneofCase.Metadata => Metadata(p.Metadata, $"{at}.metadata"),
        PermissionProto.RuleOneofCase.NotRule => new Not(Permission(p.NotRule, $"{at}.not_rule")),
        PermissionProto.RuleOneofCase.RequestedServerName => new ServerNameRule(StringMatch.From(p.RequestedServerName, $"{at}.requested_server_name")),
        _ => throw new ConfigException($"{at}: permission sets no rule"),
    };

    private static RuleMatcher Principal(PrincipalProto p, string at) => p.IdentifierCase switch
    {
        PrincipalProto.IdentifierOneofCase.AndIds => new AllOf(Ids(p.AndIds.Ids, $"{at}.and_ids")),
        PrincipalProto.IdentifierOneofCase.OrIds => new AnyOf(Ids(p.OrIds.Ids, $"{at}.or_ids")),
        PrincipalProto.IdentifierOneofCase.Any => p.Any ? Always.Instance : throw new ConfigException($"{at}.any: must be true"),
        PrincipalProto.IdentifierOneofCase.Authenticated => new AuthenticatedRule(p.Authenticated.PrincipalName is { } name
            ? StringMatch.From(name, $"{at}.authenticated.principal_name") : null),
        PrincipalProto.IdentifierOneofCase.SourceIp => new CidrRule(AddressKind.DirectRemote, FilterChainMatchCompiler.Range(at, "source_ip", p.SourceIp)),
        PrincipalProto.IdentifierOneofCase.DirectRemoteIp => new CidrRule(AddressKind.DirectRemote, FilterChainMatchCompiler.Range(at, "direct_remote_ip", p.DirectRemoteIp)),
        PrincipalProto.IdentifierOneofCase.RemoteIp => new CidrRule(AddressKind.Remote, FilterChainMatchCompiler.Range(at, "remote_ip", p.RemoteIp)),
        PrincipalProto.IdentifierOneofCase.Header => new HeaderRule(HeaderMatch.From(p.Header, $"{at}.header")),
        PrincipalProto.IdentifierOneofCase.UrlPath => new UrlPathRule(Path(p.UrlPath, $"{at}.url_path")),
        PrincipalProto.IdentifierOneofCase.Metadata => Metadata(p.Metadata, $"{at}.metadata"),
        PrincipalProto.IdentifierOneofCase.NotId => new Not(Principal(p.NotId, $"{at}.not_id")),
        _ => throw new ConfigException($"{at}: principal sets no identifier"),
    };

    private static RuleMatcher[] Rules(IReadOnlyList<PermissionProto> rules, string at) => rules.Count == 0
        ? throw new ConfigException($"{at}: rules must hold at least one rule")
        : rules.Select((r, i) => Permission(r, $"{at}.rules[{i}]")).ToArray();

    private static RuleMatcher[] Ids(IReadOnlyList<PrincipalProto> ids, string at) => ids.Count == 0
        ? throw new ConfigException($"{at}: ids must hold at least one identifier")
        : ids.Select((id, i) => Principal(id, $"{at}.ids[{i}]")).ToArray();

    private static StringMatch Path(PathMatcher m, string at) => m.RuleCase == PathMatcher.RuleOneofCase.Path
        ? StringMatch.From(m.Path, $"{at}.path")
        : throw new ConfigException($"{at}: path matcher has no path");

    private static MetadataRule Metadata(MetadataMatcher m, string at)
    {
        if (m.Filter.Length == 0) throw new ConfigException($"{at}: filter is empty");
        if (m.Path.Count == 0) throw new ConfigException($"{at}: path must hold at least one segment");
        var keys = new string[m.Path.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            if (m.Path[i].SegmentCase != MetadataMatcher.Types.PathSegment.SegmentOneofCase.Key || m.Path[i].Key.Length == 0)
                throw new ConfigException($"{at}: path[{i}] has no key");
            keys[i] = m.Path[i].Key;
        }
        if (m.Value is null) throw new ConfigException($"{at}: value is required");
        return new MetadataRule(m.Filter, keys, ValueMatch.From(m.Value, $"{at}.value"), m.Invert);
    }
}
