using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.JwtAuthn.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model;
using Trellis.Config.Model.Security;
using Trellis.ControlPlane.Jwks;
using Trellis.ControlPlane.Mesh;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation.RequestAuthn;

/// <summary>RequestAuthentication → Envoy's jwt_authn filter, as istiod writes it: one provider <c>origins-N</c> per
/// jwtRule (payload in metadata "payload"), keys inlined (fetched by the control plane), and a requirement that lets
/// a request without a token through but refuses one whose token fails every rule.</summary>
internal static class RequestAuthnFilters
{
    public const string FilterName = "envoy.filters.http.jwt_authn";
    public const string PayloadMetadataKey = "payload";

    /// <summary>The filters to put first in the inbound (or gateway) HCM of this proxy; none when no policy applies.</summary>
    public static IReadOnlyList<HttpFilter> For(MeshModel mesh, ProxyNode node)
    {
        var rules = Rules(mesh, node);
        if (rules.Count == 0) return [];
        return [new HttpFilter { Name = FilterName, TypedConfig = XdsAny.Pack(Build(rules, mesh.Jwks)) }];
    }

    /// <summary>Every key source the config names that must be fetched (rules with inline jwks need none).</summary>
    public static IReadOnlyList<JwksSource> Sources(IEnumerable<Resource> resources) =>
        resources.Where(r => r.Kind == "RequestAuthentication").Select(r => r.Spec).OfType<RequestAuthenticationSpec>()
            .SelectMany(s => s.JwtRules ?? []).Where(r => string.IsNullOrEmpty(r.Jwks)).Select(SourceOf).OfType<JwksSource>()
            .DistinctBy(s => s.Key).ToList();

    /// <summary>What a user must know about this proxy's token checks: rules whose keys cannot be fetched, so every
    /// token they would accept is refused (401) until the keys arrive. Shown by `trellis proxy-status`.</summary>
    public static IEnumerable<string> Problems(MeshModel mesh, ProxyNode node)
    {
        foreach (var (resource, spec) in RequestAuthnPolicies.For(mesh.Resources, mesh.Settings.RootNamespace, node.Namespace, node.Labels))
            for (var i = 0; i < (spec.JwtRules?.Count ?? 0); i++)
            {
                var rule = spec.JwtRules![i];
                if (!string.IsNullOrEmpty(rule.Jwks) || SourceOf(rule) is not { } source) continue;
                var state = mesh.Jwks.Lookup(source);
                if (state.Jwks is null && !ReferenceEquals(state, JwksState.Pending))
                    yield return $"RequestAuthentication {resource.Metadata.Namespace}/{resource.Metadata.Name} spec.jwtRules[{i}]: the keys of issuer " +
                                 $"\"{rule.Issuer}\" cannot be fetched from {source.Key} ({state.Error}); its tokens are refused (401) until they can";
            }
    }

    private static List<JwtRule> Rules(MeshModel mesh, ProxyNode node) =>
        RequestAuthnPolicies.For(mesh.Resources, mesh.Settings.RootNamespace, node.Namespace, node.Labels)
            .SelectMany(p => p.Spec.JwtRules ?? []).ToList();

    internal static JwtAuthentication Build(IReadOnlyList<JwtRule> rules, IJwksLookup jwks)
    {
        var config = new JwtAuthentication { BypassCorsPreflight = true };
        var inner = new JwtRequirementAndList();
        var outer = new JwtRequirementOrList();
        for (var i = 0; i < rules.Count; i++)
        {
            var name = $"origins-{i}";
            config.Providers[name] = Provider(rules[i], jwks);
            inner.Requirements.Add(new JwtRequirement
            {
                RequiresAny = new JwtRequirementOrList
                {
                    Requirements = { new JwtRequirement { ProviderName = name }, new JwtRequirement { AllowMissing = new Empty() } },
                },
            });
            outer.Requirements.Add(new JwtRequirement { ProviderName = name });
        }
        // With several providers, istiod also accepts any one provider alone: providers sharing a location would
        // otherwise fail each other's "provider or missing" requirement.
        JwtRequirement requires;
        if (rules.Count == 1) requires = inner.Requirements[0];
        else
        {
            outer.Requirements.Add(new JwtRequirement { RequiresAll = inner });
            requires = new JwtRequirement { RequiresAny = outer };
        }
        config.Rules.Add(new RequirementRule { Match = new RouteMatch { Prefix = "/" }, Requires = requires });
        return config;
    }

    private static JwtProvider Provider(JwtRule rule, IJwksLookup jwks)
    {
        var provider = new JwtProvider
        {
            Issuer = rule.Issuer ?? "",
            Forward = rule.ForwardOriginalToken ?? false,
            ForwardPayloadHeader = rule.OutputPayloadToHeader ?? "",
            PayloadInMetadata = PayloadMetadataKey,
            LocalJwks = new DataSource { InlineString = KeysOf(rule, jwks) },
        };
        provider.Audiences.Add(rule.Audiences ?? []);
        foreach (var header in rule.FromHeaders ?? []) provider.FromHeaders.Add(new Envoy.Extensions.Filters.Http.JwtAuthn.V3.JwtHeader { Name = header.Name ?? "", ValuePrefix = header.Prefix ?? "" });
        provider.FromParams.Add(rule.FromParams ?? []);
        provider.FromCookies.Add(rule.FromCookies ?? []);
        foreach (var claim in rule.OutputClaimToHeaders ?? [])
            provider.ClaimToHeaders.Add(new JwtClaimToHeader { HeaderName = claim.Header ?? "", ClaimName = claim.Claim ?? "" });
        return provider;
    }

    /// <summary>The inline jwks wins, as in istiod; otherwise the fetched keys, or keys that verify nothing.</summary>
    private static string KeysOf(JwtRule rule, IJwksLookup jwks)
    {
        if (!string.IsNullOrEmpty(rule.Jwks)) return rule.Jwks;
        return SourceOf(rule) is { } source && jwks.Lookup(source).Jwks is { } fetched ? fetched : FailClosedJwks.Json;
    }

    private static JwksSource? SourceOf(JwtRule rule)
    {
        var timeout = rule.Timeout ?? JwksSource.DefaultTimeout;
        if (!string.IsNullOrEmpty(rule.JwksUri)) return new JwksSource(rule.JwksUri, rule.Issuer ?? "", timeout);
        return string.IsNullOrEmpty(rule.Issuer) ? null : new JwksSource(null, rule.Issuer, timeout);
    }
}
