using Envoy.Extensions.Filters.Http.ExtAuthz.V3;
using ExtAuthzConfig = Envoy.Extensions.Filters.Http.ExtAuthz.V3.ExtAuthz;
using Envoy.Type.Matcher.V3;
using Trellis.Proxy.Authorization;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.HttpFilters.ExtAuthz;

/// <summary>A compiled ExtAuthz with an http_service: where the check goes (cluster, path prefix, timeout), which
/// headers go to it, which of its answer's headers go upstream or to the client, and what an error does.</summary>
internal sealed record ExtAuthzPolicy(
    string Cluster,
    string PathPrefix,
    TimeSpan Timeout,
    StringMatch[] AllowedHeaders,
    (string Name, string Value)[] HeadersToAdd,
    StringMatch[]? UpstreamHeaders,
    StringMatch[]? UpstreamHeadersToAppend,
    StringMatch[]? ClientHeaders,
    StringMatch[]? ClientHeadersOnSuccess,
    bool FailureModeAllow,
    int StatusOnError,
    bool ClearRouteCache)
{
    public const string FilterName = "envoy.filters.http.ext_authz";

    public static ExtAuthzPolicy From(ExtAuthzConfig config, string where)
    {
        var at = $"{where} {FilterName}";
        UnknownFields.Refuse(config, at);
        if (config.ServicesCase == ExtAuthzConfig.ServicesOneofCase.GrpcService)
            throw new ConfigException($"{at}: grpc_service is not supported by this proxy; use http_service");
        if (config.HttpService is not { } service) throw new ConfigException($"{at}: needs an http_service");
        if (config.WithRequestBody is not null) throw new ConfigException($"{at}: with_request_body is not supported by this proxy");
        if (service.ServerUri is not { } uri) throw new ConfigException($"{at}: http_service.server_uri is required");
        if (uri.HttpUpstreamTypeCase != Envoy.Config.Core.V3.HttpUri.HttpUpstreamTypeOneofCase.Cluster || uri.Cluster.Length == 0)
            throw new ConfigException($"{at}: http_service.server_uri.cluster is required");
        if (!Uri.TryCreate(uri.Uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            throw new ConfigException($"{at}: http_service.server_uri.uri \"{uri.Uri}\" is not an http URI");
        var timeout = DurationField.PositiveOr(uri.Timeout, TimeSpan.Zero, at, "http_service.server_uri.timeout");
        if (timeout <= TimeSpan.Zero) throw new ConfigException($"{at}: http_service.server_uri.timeout must be above zero");
        if (service.PathPrefix.Length > 0 && service.PathPrefix[0] != '/')
            throw new ConfigException($"{at}: http_service.path_prefix \"{service.PathPrefix}\" must start with '/'");
        var request = service.AuthorizationRequest;
        var response = service.AuthorizationResponse;
        var statusOnError = config.StatusOnError is { } status && (int)status.Code != 0 ? (int)status.Code : 403;
        if (statusOnError is < 200 or > 599) throw new ConfigException($"{at}: status_on_error {statusOnError} is not an HTTP status");
        return new ExtAuthzPolicy(uri.Cluster, service.PathPrefix, timeout,
            Matchers(request?.AllowedHeaders, $"{at} allowed_headers") ?? [],
            request?.HeadersToAdd.Select(h => (h.Key, h.Value)).ToArray() ?? [],
            Matchers(response?.AllowedUpstreamHeaders, $"{at} allowed_upstream_headers"),
            Matchers(response?.AllowedUpstreamHeadersToAppend, $"{at} allowed_upstream_headers_to_append"),
            Matchers(response?.AllowedClientHeaders, $"{at} allowed_client_headers"),
            Matchers(response?.AllowedClientHeadersOnSuccess, $"{at} allowed_client_headers_on_success"),
            config.FailureModeAllow, statusOnError, config.ClearRouteCache);
    }

    /// <summary>Header names are matched in lower case, as Envoy's header map holds them; case-insensitive matchers stay so.</summary>
    private static StringMatch[]? Matchers(ListStringMatcher? list, string where) =>
        list?.Patterns.Select((m, i) => StringMatch.From(m, $"{where}[{i}]")).ToArray();

    public static bool AnyMatches(StringMatch[] matchers, string name)
    {
        foreach (var matcher in matchers)
            if (matcher.Matches(name)) return true;
        return false;
    }
}
