using Envoy.Config.Core.V3;
using Envoy.Extensions.Filters.Http.ExtAuthz.V3;
using HttpService = Envoy.Extensions.Filters.Http.ExtAuthz.V3.HttpService;
using Envoy.Type.Matcher.V3;
using Envoy.Type.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Mesh;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation.Authorization;

/// <summary>A mesh config envoyExtAuthzHttp provider → Envoy's ext_authz HTTP filter, as istiod's extauthz.go builds it.
/// The filter only runs for requests the CUSTOM policies' shadow RBAC marked with this provider's prefix.</summary>
internal static class ExtAuthzProviders
{
    public const string MatchPrefix = "istio-ext-authz";
    public const string ShadowStatPrefix = "istio_ext_authz_";
    public const string ShadowEffectivePolicyId = "shadow_effective_policy_id";
    public const string RbacMetadataNamespace = "envoy.filters.http.rbac";

    private static readonly Duration DefaultTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(600));

    /// <summary>The ext_authz config for a provider, or null with why it cannot be used (the caller then denies).</summary>
    public static ExtAuthz? Build(MeshModel mesh, string providerName, string workloadNamespace, out string? error)
    {
        error = null;
        var provider = mesh.Settings.ExtensionProviders.FirstOrDefault(p => p.Name == providerName);
        if (provider is null)
        {
            var known = mesh.Settings.ExtensionProviders.Select(p => p.Name).OfType<string>().ToList();
            error = $"unknown extension provider \"{providerName}\" (the mesh config defines {(known.Count == 0 ? "none" : string.Join(", ", known))})";
            return null;
        }
        if (provider.EnvoyExtAuthzHttp is not { } http)
        {
            error = $"extension provider \"{providerName}\" is not an envoyExtAuthzHttp provider; the proxy calls HTTP authorization services only";
            return null;
        }
        if (Service(mesh, http.Service ?? "", workloadNamespace) is not { } service)
        {
            error = $"extension provider \"{providerName}\": service \"{http.Service}\" is not in the mesh";
            return null;
        }
        if (http.Port is not { } port || service.Ports.All(p => p.Port != port))
        {
            error = $"extension provider \"{providerName}\": service {service.Fqdn} has no port {http.Port}";
            return null;
        }

        var httpService = new HttpService
        {
            PathPrefix = http.PathPrefix ?? "",
            ServerUri = new HttpUri
            {
                Uri = $"http://{service.Fqdn}",
                Cluster = ClusterNames.Outbound(port, null, service.Fqdn),
                Timeout = http.Timeout is { } t ? Duration.FromTimeSpan(t) : DefaultTimeout.Clone(),
            },
        };
        if (http.IncludeAdditionalHeadersInCheck is { Count: > 0 } additional)
        {
            httpService.AuthorizationRequest = new AuthorizationRequest();
            foreach (var (key, value) in additional.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                httpService.AuthorizationRequest.HeadersToAdd.Add(new HeaderValue { Key = key, Value = value });
        }
        if (http.HeadersToUpstreamOnAllow is { Count: > 0 } || http.HeadersToDownstreamOnDeny is { Count: > 0 } || http.HeadersToDownstreamOnAllow is { Count: > 0 })
        {
            httpService.AuthorizationResponse = new AuthorizationResponse
            {
                AllowedUpstreamHeaders = Headers(http.HeadersToUpstreamOnAllow),
                AllowedClientHeaders = Headers(http.HeadersToDownstreamOnDeny),
                AllowedClientHeadersOnSuccess = Headers(http.HeadersToDownstreamOnAllow),
            };
        }
        var extAuthz = new ExtAuthz
        {
            HttpService = httpService,
            TransportApiVersion = ApiVersion.V3,
            FailureModeAllow = http.FailOpen ?? false,
            AllowedHeaders = Headers(http.IncludeRequestHeadersInCheck is { Count: > 0 } ? http.IncludeRequestHeadersInCheck : http.IncludeHeadersInCheck),
            FilterEnabledMetadata = EnabledFor(providerName),
        };
        if (http.StatusOnError is { Length: > 0 } status && int.TryParse(status, out var code))
            extAuthz.StatusOnError = new HttpStatus { Code = (StatusCode)code };
        if (http.IncludeRequestBodyInCheck is { } body)
            extAuthz.WithRequestBody = new BufferSettings
            {
                MaxRequestBytes = (uint)Math.Max(0, body.MaxRequestBytes ?? 0),
                AllowPartialMessage = body.AllowPartialMessage ?? false,
                PackAsBytes = body.PackAsBytes ?? false,
            };
        return extAuthz;
    }

    /// <summary>ext_authz runs when the CUSTOM shadow RBAC's effective policy is one of this provider's.</summary>
    public static MetadataMatcher EnabledFor(string providerName) => new()
    {
        Filter = RbacMetadataNamespace,
        Path = { new MetadataMatcher.Types.PathSegment { Key = ShadowStatPrefix + ShadowEffectivePolicyId } },
        Value = new ValueMatcher { StringMatch = new StringMatcher { Prefix = $"{MatchPrefix}-{providerName}" } },
    };

    /// <summary>"NAMESPACE/HOST" or a host, as istiod's LookupCluster reads the provider's service.</summary>
    private static ServiceModel? Service(MeshModel mesh, string service, string workloadNamespace)
    {
        var slash = service.IndexOf('/');
        if (slash >= 0) return mesh.FindService(service[(slash + 1)..], service[..slash]);
        return mesh.ServicesByFqdn.GetValueOrDefault(service) ?? mesh.FindService(service, workloadNamespace);
    }

    private static ListStringMatcher? Headers(IReadOnlyList<string>? headers)
    {
        if (headers is not { Count: > 0 }) return null;
        var list = new ListStringMatcher();
        foreach (var header in headers)
        {
            list.Patterns.Add(header.StartsWith('*') ? new StringMatcher { Suffix = header[1..], IgnoreCase = true }
                : header.EndsWith('*') ? new StringMatcher { Prefix = header[..^1], IgnoreCase = true }
                : new StringMatcher { Exact = header, IgnoreCase = true });
        }
        return list;
    }
}
