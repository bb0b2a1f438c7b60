using Trellis.Proxy.HttpFilters;

namespace Trellis.Proxy.Routing;

/// <summary>One compiled route: its matcher, its action, its header mutations and the HTTP filters' config for it
/// (its own typed_per_filter_config over its virtual host's over its route configuration's).</summary>
internal sealed record RouteEntry(string Name, RouteMatcher Match, RouteActionModel Action, HeaderMutations RequestHeaders, HeaderMutations ResponseHeaders,
    PerFilterConfigs FilterConfigs)
{
    /// <summary>How the route is named in replies and logs: its name, or its match when unnamed.</summary>
    public string DisplayName => Name.Length > 0 ? Name : Match.Path.ToString();
}

/// <summary>One compiled virtual host: its domains and its routes in order (first match wins).</summary>
internal sealed record VirtualHostEntry(string Name, IReadOnlyList<string> Domains, IReadOnlyList<RouteEntry> Routes,
    HeaderMutations RequestHeaders, HeaderMutations ResponseHeaders, RetryPolicyModel? Retry)
{
    public RouteEntry? Match(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        // Indexed: foreach over the interface would allocate an enumerator per request.
        for (var i = 0; i < Routes.Count; i++)
            if (Routes[i].Match.Matches(request)) return Routes[i];
        return null;
    }
}
