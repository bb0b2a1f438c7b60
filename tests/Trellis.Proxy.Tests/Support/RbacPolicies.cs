using Envoy.Config.Rbac.V3;
using Envoy.Type.Matcher.V3;
using HttpRbac = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;

namespace Trellis.Proxy.Tests.Support;

/// <summary>RBAC configs shaped as Istio's AuthorizationPolicy translation emits them.</summary>
internal static class RbacPolicies
{
    public const string DenyAdmin = "ns[bookinfo]-policy[deny-admin]-rule[0]";

    public static Permission PathPrefix(string prefix) => new() { UrlPath = new PathMatcher { Path = new StringMatcher { Prefix = prefix } } };

    public static Principal AnyPrincipal() => new() { Any = true };

    public static Permission AnyPermission() => new() { Any = true };

    public static RBAC Rules(RBAC.Types.Action action, params (string Name, Permission Permission, Principal Principal)[] policies)
    {
        var rbac = new RBAC { Action = action };
        foreach (var (name, permission, principal) in policies) rbac.Policies[name] = new Policy { Permissions = { permission }, Principals = { principal } };
        return rbac;
    }

    /// <summary>Istio's translation of a DENY policy on paths ["/admin*"].</summary>
    public static HttpRbac DenyAdminPrefix() => new() { Rules = Rules(RBAC.Types.Action.Deny, (DenyAdmin, PathPrefix("/admin"), AnyPrincipal())) };
}
