using Trellis.Config.Model.Mesh;

namespace Trellis.Config.Validation;

/// <summary>Checks MeshConfig's extensionProviders as istiod does (unique names, exactly one provider kind,
/// a service and port, a status Envoy knows, a path prefix that is a path).</summary>
internal static class ExtensionProviderValidation
{
    /// <summary>The codes of Envoy's type.v3.StatusCode, the only ones status_on_error can carry.</summary>
    private static readonly HashSet<int> EnvoyStatusCodes =
    [
        100, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
        400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426, 428, 429, 431,
        500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
    ];

    public static void Check(IReadOnlyList<ExtensionProvider>? providers, List<Diagnostic> found)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (providers?.Count ?? 0); i++)
        {
            var provider = providers![i];
            var at = $"extensionProviders[{i}]";
            if (string.IsNullOrEmpty(provider.Name)) Error(found, $"{at}.name", "missing required field (the name policies refer to)");
            else if (!names.Add(provider.Name)) Error(found, $"{at}.name", $"duplicate extension provider name \"{provider.Name}\"");
            if (provider.KindsSet != 1)
                Error(found, at, provider.KindsSet == 0 ? "sets no provider kind (envoyExtAuthzHttp, envoyExtAuthzGrpc, ...)" : "sets more than one provider kind; set exactly one");
            if (provider.EnvoyExtAuthzHttp is { } http)
            {
                var p = $"{at}.envoyExtAuthzHttp";
                Service(found, p, http.Service, http.Port);
                StatusOnError(found, $"{p}.statusOnError", http.StatusOnError);
                if (http.PathPrefix is { Length: > 0 } prefix && !prefix.StartsWith('/'))
                    Error(found, $"{p}.pathPrefix", $"\"{prefix}\" must begin with /");
                if (http.Timeout is { } t && t <= TimeSpan.Zero) Error(found, $"{p}.timeout", "must be positive");
                NoLoneWildcard(found, $"{p}.includeRequestHeadersInCheck", http.IncludeRequestHeadersInCheck);
                NoLoneWildcard(found, $"{p}.includeHeadersInCheck", http.IncludeHeadersInCheck);
                NoLoneWildcard(found, $"{p}.headersToUpstreamOnAllow", http.HeadersToUpstreamOnAllow);
                NoLoneWildcard(found, $"{p}.headersToDownstreamOnDeny", http.HeadersToDownstreamOnDeny);
                NoLoneWildcard(found, $"{p}.headersToDownstreamOnAllow", http.HeadersToDownstreamOnAllow);
            }
            if (provider.EnvoyExtAuthzGrpc is { } grpc)
            {
                var p = $"{at}.envoyExtAuthzGrpc";
                Service(found, p, grpc.Service, grpc.Port);
                StatusOnError(found, $"{p}.statusOnError", grpc.StatusOnError);
            }
        }
    }

    private static void Service(List<Diagnostic> found, string path, string? service, int? port)
    {
        if (string.IsNullOrEmpty(service)) Error(found, $"{path}.service", "missing required field (a host such as ext-authz.foo.svc.cluster.local, or NAMESPACE/HOST)");
        else if (service.Split('/') is { Length: > 2 } || service.Contains(' '))
            Error(found, $"{path}.service", $"\"{service}\" is not a host name or NAMESPACE/HOST");
        if (port is null) Error(found, $"{path}.port", "missing required field (a port number 1-65535)");
        else if (port is < 1 or > 65535) Error(found, $"{path}.port", $"port {port} is out of range (1-65535)");
    }

    private static void StatusOnError(List<Diagnostic> found, string path, string? status)
    {
        if (string.IsNullOrEmpty(status)) return;
        if (!int.TryParse(status, out var code) || !EnvoyStatusCodes.Contains(code))
            Error(found, path, $"unsupported status \"{status}\": expected an HTTP status code Envoy knows, e.g. 403 or 503");
    }

    private static void NoLoneWildcard(List<Diagnostic> found, string path, IReadOnlyList<string>? headers)
    {
        for (var i = 0; i < (headers?.Count ?? 0); i++)
        {
            if (headers![i] == "*") Error(found, $"{path}[{i}]", "a lone wildcard \"*\" is not supported; use a prefix (x-*) or suffix (*-id) match");
        }
    }

    private static void Error(List<Diagnostic> found, string path, string message) =>
        found.Add(Diagnostic.Error(DiagnosticCodes.SchemaValidationError, message, null, fieldPath: path));
}
