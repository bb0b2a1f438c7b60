using System.Globalization;
using Trellis.Config.Loading;
using Trellis.Config.Model.Security;
using Trellis.Config.Semantics;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of AuthorizationPolicy, as istiod's ValidateAuthorizationPolicy checks them, plus the
/// mistakes that silently widen or narrow a policy (a wildcard in the middle, a principal without trust domain).</summary>
internal static class AuthorizationPolicyValidator
{
    public static void Validate(ValidationSink sink, AuthorizationPolicySpec spec)
    {
        var scopes = (spec.Selector is null ? 0 : 1) + (spec.TargetRef is null ? 0 : 1) + (spec.TargetRefs is { Count: > 0 } ? 1 : 0);
        if (scopes > 1) sink.Error("spec.selector", "only one of selector, targetRef or targetRefs can be set");
        LabelValidation.Check(sink, "spec.selector.matchLabels", spec.Selector?.MatchLabels);
        if (spec.TargetRef is { } single) TargetRef(sink, "spec.targetRef", single);
        for (var i = 0; i < (spec.TargetRefs?.Count ?? 0); i++) TargetRef(sink, $"spec.targetRefs[{i}]", spec.TargetRefs![i]);
        if (spec.TargetRef is not null || spec.TargetRefs is { Count: > 0 })
            sink.Warning(spec.TargetRef is not null ? "spec.targetRef" : "spec.targetRefs",
                "targetRef(s) attach a policy to Gateway API gateways and waypoints, which Trellis does not run; no sidecar or Istio gateway enforces it (use selector)");

        var action = spec.EffectiveAction;
        if (action == AuthorizationPolicySpec.Custom)
        {
            if (spec.Rules is null)
                sink.Error("spec.rules", "a CUSTOM policy without rules is never triggered; add an empty rule {} to send every request to the provider");
            else if (string.IsNullOrEmpty(spec.Provider?.Name))
                sink.Error("spec.provider.name", "a CUSTOM policy must name a mesh config extensionProvider");
        }
        else if (spec.Provider is not null)
            sink.Error("spec.provider", $"provider is only allowed with action CUSTOM, found {action}");
        if (action == AuthorizationPolicySpec.Deny && spec.Rules is null)
            sink.Error("spec.rules", "a DENY policy without rules is never triggered; add an empty rule {} to deny every request");

        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++) Rule(sink, $"spec.rules[{i}]", spec.Rules![i], action);
    }

    private static void TargetRef(ValidationSink sink, string path, PolicyTargetReference target)
    {
        sink.Required($"{path}.kind", target.Kind);
        sink.Required($"{path}.name", target.Name);
        if (target.Namespace is { Length: > 0 }) sink.Error($"{path}.namespace", "a policy can only target resources in its own namespace; remove namespace");
        if (target.Kind is "Service" && target.Group is { Length: > 0 } and not "core")
            sink.Error($"{path}.group", $"a Service is in the core group (\"\"), not \"{target.Group}\"");
    }

    private static void Rule(ValidationSink sink, string path, AuthorizationRule rule, string action)
    {
        if (rule.From is { Count: 0 }) sink.Error($"{path}.from", "must not be empty; remove it to match every source");
        if (rule.To is { Count: 0 }) sink.Error($"{path}.to", "must not be empty; remove it to match every operation");
        bool custom = action == AuthorizationPolicySpec.Custom, tcpInFrom = false, tcpInTo = false;
        for (var i = 0; i < (rule.From?.Count ?? 0); i++)
        {
            var at = $"{path}.from[{i}].source";
            if (rule.From![i].Source is not { } source)
            {
                sink.Error(at, "missing required field");
                continue;
            }
            tcpInFrom |= Source(sink, at, source, custom);
        }
        for (var i = 0; i < (rule.To?.Count ?? 0); i++)
        {
            var at = $"{path}.to[{i}].operation";
            if (rule.To![i].Operation is not { } operation)
            {
                sink.Error(at, "missing required field");
                continue;
            }
            tcpInTo |= Operation(sink, at, operation);
        }
        for (var i = 0; i < (rule.When?.Count ?? 0); i++) Condition(sink, $"{path}.when[{i}]", rule.When![i], custom);

        var hasFrom = rule.From is { Count: > 0 };
        var hasTo = rule.To is { Count: > 0 };
        if (action == AuthorizationPolicySpec.Deny && ((hasFrom && !hasTo && !tcpInFrom) || (hasTo && !tcpInTo)))
            sink.Warning(path, "this DENY rule uses only HTTP attributes, so it denies all traffic to TCP ports in its scope; specify the ports explicitly");
    }

    /// <returns>Whether the source sets a field that TCP traffic carries.</returns>
    private static bool Source(ValidationSink sink, string path, Source s, bool custom)
    {
        var fields = new (string Name, IReadOnlyList<string>? Values)[]
        {
            ("principals", s.Principals), ("notPrincipals", s.NotPrincipals), ("requestPrincipals", s.RequestPrincipals),
            ("notRequestPrincipals", s.NotRequestPrincipals), ("namespaces", s.Namespaces), ("notNamespaces", s.NotNamespaces),
            ("ipBlocks", s.IpBlocks), ("notIpBlocks", s.NotIpBlocks), ("remoteIpBlocks", s.RemoteIpBlocks),
            ("notRemoteIpBlocks", s.NotRemoteIpBlocks), ("serviceAccounts", s.ServiceAccounts), ("notServiceAccounts", s.NotServiceAccounts),
        };
        if (fields.All(f => f.Values is not { Count: > 0 })) sink.Error(path, "must not be empty; remove from to match every source");
        if ((s.Principals ?? s.NotPrincipals ?? s.Namespaces ?? s.NotNamespaces) is { Count: > 0 } && (s.ServiceAccounts ?? s.NotServiceAccounts) is { Count: > 0 })
            sink.Error($"{path}.serviceAccounts", "cannot be set together with namespaces or principals");
        foreach (var (name, values) in fields)
        {
            var at = $"{path}.{name}";
            if (values is null) continue;
            if (custom && name is not ("ipBlocks" or "notIpBlocks" or "remoteIpBlocks" or "notRemoteIpBlocks"))
                sink.Error(at, "is not supported with action CUSTOM (the provider decides on identities)");
            for (var i = 0; i < values.Count; i++)
            {
                var item = $"{at}[{i}]";
                if (NotEmpty(sink, item, values[i]) is not { } value) continue;
                switch (name)
                {
                    case "ipBlocks" or "notIpBlocks" or "remoteIpBlocks" or "notRemoteIpBlocks": IpOrCidr(sink, item, value); break;
                    case "serviceAccounts" or "notServiceAccounts": ServiceAccount(sink, item, value); break;
                    case "principals" or "notPrincipals": Wildcard(sink, item, value); Principal(sink, item, value); break;
                    case "namespaces" or "notNamespaces": break;
                    default: Wildcard(sink, item, value); break;
                }
            }
        }
        return (s.Principals ?? s.NotPrincipals ?? s.IpBlocks ?? s.NotIpBlocks ?? s.Namespaces ?? s.NotNamespaces
            ?? s.RemoteIpBlocks ?? s.NotRemoteIpBlocks ?? s.ServiceAccounts ?? s.NotServiceAccounts) is not null;
    }

    /// <returns>Whether the operation sets ports, the only field TCP traffic carries.</returns>
    private static bool Operation(ValidationSink sink, string path, Operation o)
    {
        var fields = new (string Name, IReadOnlyList<string>? Values)[]
        {
            ("hosts", o.Hosts), ("notHosts", o.NotHosts), ("ports", o.Ports), ("notPorts", o.NotPorts),
            ("methods", o.Methods), ("notMethods", o.NotMethods), ("paths", o.Paths), ("notPaths", o.NotPaths),
        };
        if (fields.All(f => f.Values is not { Count: > 0 })) sink.Error(path, "must not be empty; remove to to match every operation");
        foreach (var (name, values) in fields)
        {
            for (var i = 0; i < (values?.Count ?? 0); i++)
            {
                var item = $"{path}.{name}[{i}]";
                if (NotEmpty(sink, item, values![i]) is not { } value) continue;
                switch (name)
                {
                    case "ports" or "notPorts": Port(sink, item, value); break;
                    case "paths" or "notPaths": PathValue(sink, item, value); break;
                    default: Wildcard(sink, item, value); break;
                }
            }
        }
        return (o.Ports ?? o.NotPorts) is not null;
    }

    private static void Condition(ValidationSink sink, string path, Condition condition, bool custom)
    {
        if (string.IsNullOrEmpty(condition.Key))
        {
            sink.Error($"{path}.key", "missing required field");
            return;
        }
        var key = condition.Key;
        if (AuthorizationAttributes.Problem(key) is { } problem)
        {
            sink.Error($"{path}.key", problem);
            return;
        }
        if (custom && (key is AuthorizationAttributes.SourceNamespace or AuthorizationAttributes.SourcePrincipal
                or AuthorizationAttributes.SourceServiceAccount or AuthorizationAttributes.SourceTrustDomain
                || key.StartsWith("request.auth.", StringComparison.Ordinal)))
            sink.Error($"{path}.key", $"{key} is not supported with action CUSTOM (the provider decides on identities)");
        if (condition.Values is not { Count: > 0 } && condition.NotValues is not { Count: > 0 })
            sink.Error($"{path}.values", $"at least one of values or notValues must be set for key {key}");
        Values(sink, $"{path}.values", key, condition.Values);
        Values(sink, $"{path}.notValues", key, condition.NotValues);
    }

    private static void Values(ValidationSink sink, string path, string key, IReadOnlyList<string>? values)
    {
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            var at = $"{path}[{i}]";
            if (NotEmpty(sink, at, values![i]) is not { } value) continue;
            switch (key)
            {
                case AuthorizationAttributes.SourceIp or AuthorizationAttributes.RemoteIp or AuthorizationAttributes.DestinationIp: IpOrCidr(sink, at, value); break;
                case AuthorizationAttributes.DestinationPort: Port(sink, at, value); break;
                case AuthorizationAttributes.SourceServiceAccount: ServiceAccount(sink, at, value); break;
                case AuthorizationAttributes.SourcePrincipal: Wildcard(sink, at, value); Principal(sink, at, value); break;
                case AuthorizationAttributes.SourceNamespace: break;
                default: Wildcard(sink, at, value); break;
            }
        }
    }

    private static string? NotEmpty(ValidationSink sink, string path, string value)
    {
        if (value.Length > 0) return value;
        sink.Error(path, "must not be an empty string");
        return null;
    }

    private static void IpOrCidr(ValidationSink sink, string path, string value)
    {
        if (IpBlocks.TryParse(value, out _, out _)) return;
        sink.Error(path, value.Contains('/')
            ? $"bad CIDR range \"{value}\": expected ADDRESS/PREFIX, e.g. 10.0.0.0/16 (prefix 0-32 for IPv4, 0-128 for IPv6)"
            : $"bad IP address \"{value}\": expected an IPv4 or IPv6 address, or a CIDR range");
    }

    private static void Port(ValidationSink sink, string path, string value)
    {
        if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            sink.Error(path, $"bad port \"{value}\": expected a number 0-65535");
    }

    private static void ServiceAccount(ValidationSink sink, string path, string value)
    {
        if (value.Contains('*')) sink.Error(path, "wildcards are not supported in service accounts");
        else if (value.Count(c => c == '/') > 1) sink.Error(path, $"bad service account \"{value}\": expected NAME or NAMESPACE/NAME");
    }

    /// <summary>Istio matches "*" alone, "*suffix" and "prefix*"; a star anywhere else is taken literally, which is never what was meant.</summary>
    private static void Wildcard(ValidationSink sink, string path, string value)
    {
        if (value == "*") return;
        var inner = value.Length > 1 ? value[1..^1] : "";
        if (inner.Contains('*') || (value.StartsWith('*') && value.EndsWith('*')))
            sink.Error(path, $"\"{value}\": the wildcard * is only supported alone, as a prefix (*suffix) or as a suffix (prefix*)");
    }

    private static void PathValue(ValidationSink sink, string path, string value)
    {
        Wildcard(sink, path, value);
        if (value.Contains('{') || value.Contains('}'))
            sink.Error(path, $"\"{value}\": path templates ({{*}}, {{**}}) are not supported by Trellis; use a prefix (/api/*) or suffix (*.json) match");
        else if (value != "*" && !value.StartsWith('/') && !value.StartsWith('*'))
            sink.Warning(path, $"\"{value}\" does not start with /; request paths always do, so it never matches");
        if (value.Contains('?') || value.Contains('#'))
            sink.Warning(path, $"\"{value}\": the query and fragment are not part of the path Istio matches, so it never matches");
    }

    private static void Principal(ValidationSink sink, string path, string value)
    {
        if (value.StartsWith("spiffe://", StringComparison.Ordinal))
            sink.Warning(path, $"\"{value}\": write the principal without spiffe:// (TRUST-DOMAIN/ns/NAMESPACE/sa/ACCOUNT); the prefix is added when matching");
        else if (value.StartsWith("ns/", StringComparison.Ordinal) || value.StartsWith("/ns/", StringComparison.Ordinal))
            sink.Warning(path, $"\"{value}\" has no trust domain; principals are TRUST-DOMAIN/ns/NAMESPACE/sa/ACCOUNT, e.g. cluster.local/{value.TrimStart('/')}");
    }
}
