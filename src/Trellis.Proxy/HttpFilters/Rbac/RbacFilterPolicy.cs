using Trellis.Proxy.Authorization;
using RbacConfig = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;

namespace Trellis.Proxy.HttpFilters.Rbac;

/// <summary>A compiled envoy.filters.http.rbac config: the enforced rules and the shadow rules (evaluated and
/// recorded only), each with the prefix of its dynamic metadata keys. Without rules nothing is enforced, as in Envoy.</summary>
internal sealed record RbacFilterPolicy(RbacEngine? Rules, string RulesPrefix, RbacEngine? Shadow, string ShadowPrefix)
{
    public const string FilterName = "envoy.filters.http.rbac";

    /// <summary>An RBACPerRoute without rbac: the filter does nothing on that route.</summary>
    public static readonly RbacFilterPolicy Disabled = new(null, "", null, "");

    public bool IsEmpty => Rules is null && Shadow is null;

    public bool NeedsRemoteIp { get; } = (Rules?.NeedsRemoteIp ?? false) || (Shadow?.NeedsRemoteIp ?? false);

    public static RbacFilterPolicy From(RbacConfig config, string where)
    {
        UnknownFields.Refuse(config, $"{where} {FilterName}");
        return new RbacFilterPolicy(
            config.Rules is { } rules ? RbacCompiler.Compile(rules, $"{where} {FilterName} rules") : null, config.RulesStatPrefix,
            config.ShadowRules is { } shadow ? RbacCompiler.Compile(shadow, $"{where} {FilterName} shadow_rules") : null, config.ShadowRulesStatPrefix);
    }

}
