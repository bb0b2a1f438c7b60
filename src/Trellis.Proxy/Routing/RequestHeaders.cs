using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.Routing;

/// <summary>Reads request headers the way Envoy's matchers see them, including the HTTP/2 pseudo-headers.</summary>
internal static class RequestHeaders
{
    /// <summary>The header's value, with repeated headers joined by "," as Envoy does; null when absent.</summary>
    public static string? Get(HttpRequest request, string name)
    {
        if (name.Length > 0 && name[0] == ':')
        {
            return name switch
            {
                ":method" => request.Method,
                ":authority" => request.Host.HasValue ? request.Host.Value : null,
                ":scheme" => request.Scheme,
                ":path" => PathAndQuery(request),
                _ => null,
            };
        }
        if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
            return request.Host.HasValue ? request.Host.Value : null;
        return request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? (values.Count == 1 ? values[0] : string.Join(',', values.ToArray())) : null;
    }

    public static string PathAndQuery(HttpRequest request) => request.QueryString.HasValue ? request.Path.Value + request.QueryString.Value : request.Path.Value ?? "/";
}
