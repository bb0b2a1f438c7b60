using System.Globalization;
using Envoy.Config.Rbac.V3;
using Trellis.Config.Model.Security;
using Trellis.Config.Semantics;
using static Trellis.ControlPlane.Translation.Authorization.RbacMatchers;
using A = Trellis.Config.Semantics.AuthorizationAttributes;

namespace Trellis.ControlPlane.Translation.Authorization;

/// <summary>What a translation is for: the policy (service accounts default to its namespace), whether it runs
/// on TCP traffic, and how destination ports are seen by this proxy.</summary>
/// <param name="PortMap">Maps a port a policy names to the port the proxy's listener sees; null leaves ports as
/// written. In local mode a sidecar's inbound listener is a loopback port, not the container port.</param>
internal sealed record RuleContext(string PolicyNamespace, bool ForTcp, RbacAction Action, Func<uint, uint?>? PortMap = null);

internal enum RbacAction
{
    Allow,
    Deny,
    Log,
}

/// <summary>One AuthorizationPolicy rule as istiod's authz model builds it (pilot/pkg/security/authz/model):
/// each "from" becomes one principal and each "to" one permission, every field an AND of ORs over its values,
/// "when" conditions added to every one of them. On TCP, HTTP-only fields make an ALLOW rule untranslatable
/// (it is dropped: it can never allow TCP traffic) and are left out of DENY and AUDIT rules (they get broader).</summary>
internal static class RuleModel
{
    private sealed record Field(string Key, IReadOnlyList<string>? Values, IReadOnlyList<string>? NotValues);

    /// <summary>The Envoy policy for <paramref name="rule"/>, or null with the reason when it cannot apply here.</summary>
    public static Policy? Translate(AuthorizationRule rule, RuleContext context, out string? skipped)
    {
        skipped = null;
        try
        {
            var whenPermissions = new List<Field>();
            var whenPrincipals = new List<Field>();
            foreach (var condition in rule.When ?? [])
            {
                var key = condition.Key ?? "";
                if (A.Problem(key) is { } problem) throw new AuthorizationTranslationException(problem);
                (IsPermissionKey(key) ? whenPermissions : whenPrincipals).Add(new Field(key, condition.Values, condition.NotValues));
            }

            var principals = new List<Principal>();
            foreach (var from in rule.From ?? [])
            {
                var s = from.Source ?? new Source();
                var fields = new List<Field>
                {
                    new(A.SourcePrincipal, s.Principals, s.NotPrincipals),
                    new(A.RequestPrincipal, s.RequestPrincipals, s.NotRequestPrincipals),
                    new(A.SourceServiceAccount, s.ServiceAccounts, s.NotServiceAccounts),
                    new(A.SourceNamespace, s.Namespaces, s.NotNamespaces),
                    new(A.RemoteIp, s.RemoteIpBlocks, s.NotRemoteIpBlocks),
                    new(A.SourceIp, s.IpBlocks, s.NotIpBlocks),
                };
                principals.Add(PrincipalOf(fields.Concat(whenPrincipals), context));
            }
            if (rule.From is not { Count: > 0 }) principals.Add(PrincipalOf(whenPrincipals, context));

            var permissions = new List<Permission>();
            foreach (var to in rule.To ?? [])
            {
                var o = to.Operation ?? new Operation();
                var fields = new List<Field>
                {
                    new(Hosts, o.Hosts, o.NotHosts),
                    new(Methods, o.Methods, o.NotMethods),
                    new(Paths, o.Paths, o.NotPaths),
                    new(A.DestinationPort, o.Ports, o.NotPorts),
                };
                permissions.Add(PermissionOf(fields.Concat(whenPermissions), context));
            }
            if (rule.To is not { Count: > 0 }) permissions.Add(PermissionOf(whenPermissions, context));

            return new Policy { Permissions = { permissions }, Principals = { principals } };
        }
        catch (AuthorizationTranslationException e)
        {
            skipped = e.Message;
            return null;
        }
    }

    /// <summary>A policy that matches nothing: what an ALLOW policy without rules contributes (it allows nothing).</summary>
    public static Policy MatchNever() => new()
    {
        Permissions = { Not(Any()) },
        Principals = { Not(AnyPrincipal()) },
    };

    private const string Hosts = ":authority";
    private const string Methods = ":method";
    private const string Paths = "path";

    private static bool IsPermissionKey(string key) =>
        key is A.DestinationIp or A.DestinationPort or A.ConnectionSni || key.StartsWith(A.ExperimentalEnvoyFilters, StringComparison.Ordinal);

    private static bool IsHttpOnly(string key) => key is Hosts or Methods or Paths || A.IsHttpOnly(key);

    private static Permission PermissionOf(IEnumerable<Field> fields, RuleContext context)
    {
        var and = new List<Permission>();
        foreach (var field in fields)
        {
            if (Skip(field, context)) continue;
            if (field.Values is { Count: > 0 } values) and.Add(Or(values.Select(v => Permission(field.Key, v, context))));
            if (field.NotValues is { Count: > 0 } notValues) and.Add(Not(Or(notValues.Select(v => Permission(field.Key, v, context)))));
        }
        if (and.Count == 0) and.Add(Any());
        return And(and);
    }

    private static Principal PrincipalOf(IEnumerable<Field> fields, RuleContext context)
    {
        var and = new List<Principal>();
        foreach (var field in fields)
        {
            if (Skip(field, context)) continue;
            if (field.Values is { Count: > 0 } values) and.Add(Or(values.Select(v => Principal(field.Key, v, context))));
            if (field.NotValues is { Count: > 0 } notValues) and.Add(Not(Or(notValues.Select(v => Principal(field.Key, v, context)))));
        }
        if (and.Count == 0) and.Add(AnyPrincipal());
        return And(and);
    }

    /// <summary>HTTP-only fields on TCP: an ALLOW rule cannot be translated; DENY and AUDIT leave the field out.</summary>
    private static bool Skip(Field field, RuleContext context)
    {
        if (field.Values is not { Count: > 0 } && field.NotValues is not { Count: > 0 }) return true;
        if (!context.ForTcp || !IsHttpOnly(field.Key)) return false;
        if (context.Action == RbacAction.Allow) throw new AuthorizationTranslationException($"\"{Describe(field.Key)}\" is HTTP only");
        return true;
    }

    private static string Describe(string key) => key switch
    {
        Hosts => "hosts",
        Methods => "methods",
        Paths => "paths",
        _ => key,
    };

    private static Permission Permission(string key, string value, RuleContext context)
    {
        switch (key)
        {
            case Hosts: return new Permission { Header = Header(Hosts, value, ignoreCase: true) };
            case Methods: return new Permission { Header = Header(Methods, value) };
            case Paths: return new Permission { UrlPath = Path(value) };
            case A.DestinationPort: return Port(value, context);
            case A.DestinationIp: return new Permission { DestinationIp = Cidr(value) };
            case A.ConnectionSni: return new Permission { RequestedServerName = String(value) };
        }
        // experimental.envoy.filters.NAME[KEY]: the filter's dynamic metadata, "[v]" meaning a list holding v.
        var open = key.IndexOf('[');
        var filter = key["experimental.".Length..open];
        var metadataKey = key[(open + 1)..^1];
        var list = value.Length >= 2 && value[0] == '[' && value[^1] == ']';
        return new Permission
        {
            Metadata = list
                ? MetadataStringOrList(filter, [metadataKey], String(value[1..^1]))
                : MetadataString(filter, [metadataKey], String(value)),
        };
    }

    private static Permission Port(string value, RuleContext context)
    {
        if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw new AuthorizationTranslationException($"bad port \"{value}\"");
        if (context.PortMap is null) return new Permission { DestinationPort = port };
        // A port this proxy does not serve can never be the destination.
        return context.PortMap(port) is { } seen ? new Permission { DestinationPort = seen } : Not(Any());
    }

    private static Principal Principal(string key, string value, RuleContext context)
    {
        switch (key)
        {
            case A.SourcePrincipal: return Authenticated(String(value, "spiffe://"));
            case A.SourceNamespace: return Authenticated(Regex($".*/ns/{Wildcards(value)}/.*"));
            case A.SourceServiceAccount:
                var (ns, sa) = value.IndexOf('/') is var slash and >= 0 ? (value[..slash], value[(slash + 1)..]) : (context.PolicyNamespace, value);
                return Authenticated(Regex($"spiffe://.+/ns/{QuoteMeta(ns)}/(.+/|)sa/{QuoteMeta(sa)}(/.+)?"));
            case A.SourceTrustDomain:
                return Authenticated(value == "*" ? Prefix("spiffe://") : Prefix($"spiffe://{value}/"));
            case A.SourceIp: return new Principal { DirectRemoteIp = Cidr(value) };
            case A.RemoteIp: return new Principal { RemoteIp = Cidr(value) };
            case A.RequestPrincipal: return new Principal { Metadata = MetadataString(AuthnNamespace, [A.RequestPrincipal], String(value)) };
            case A.RequestAudiences: return new Principal { Metadata = MetadataStringOrList(AuthnNamespace, [A.RequestAudiences], String(value)) };
            case A.RequestPresenter: return new Principal { Metadata = MetadataStringOrList(AuthnNamespace, [A.RequestPresenter], String(value)) };
        }
        if (key.StartsWith(A.RequestHeaders, StringComparison.Ordinal))
            return new Principal { Header = Header(Names(key, A.RequestHeaders)[0], value) };
        if (key.StartsWith(A.RequestClaims, StringComparison.Ordinal))
            return new Principal { Metadata = MetadataStringOrList(AuthnNamespace, [A.RequestClaims, .. Names(key, A.RequestClaims)], String(value)) };
        throw new AuthorizationTranslationException($"unknown condition key \"{key}\"");
    }

    private static IReadOnlyList<string> Names(string key, string prefix) =>
        A.BracketNames(key[prefix.Length..]) ?? throw new AuthorizationTranslationException($"bad key \"{key}\"");

    /// <summary>A namespace pattern: "*" stands for any run of characters, the rest is literal.</summary>
    private static string Wildcards(string value) => string.Join(".*", value.Split('*').Select(QuoteMeta));
}
