using Envoy.Config.Route.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.HttpFilters;

namespace Trellis.Proxy.Routing;

/// <summary>Compiles a RouteConfiguration into a <see cref="RouteTable"/>; throws <see cref="ConfigException"/>
/// naming the route at fault. A route to an unknown cluster is not an error: it fails at request time.</summary>
internal static class RouteCompiler
{
    public static RouteTable Compile(RouteConfiguration config) => Compile(config, HttpFilterRegistry.Default);

    public static RouteTable Compile(RouteConfiguration config, HttpFilterRegistry filters)
    {
        var perFilter = PerFilterConfigs.Compile(config.TypedPerFilterConfig, $"route configuration \"{config.Name}\"", filters);
        var hosts = config.VirtualHosts.Select(vh => CompileHost(config.Name, vh, perFilter, filters)).ToArray();
        return new RouteTable(config.Name, hosts,
            HeaderMutations.From(config.RequestHeadersToAdd, config.RequestHeadersToRemove),
            HeaderMutations.From(config.ResponseHeadersToAdd, config.ResponseHeadersToRemove),
            config.IgnorePortInHostMatching);
    }

    private static VirtualHostEntry CompileHost(string config, VirtualHost vh, PerFilterConfigs configPerFilter, HttpFilterRegistry filters)
    {
        var where = $"route configuration \"{config}\" virtual host \"{vh.Name}\"";
        if (vh.Domains.Count == 0) throw new ConfigException($"{where}: no domains");
        var hostRetry = RetryPolicyModel.From(vh.RetryPolicy);
        var hostPerFilter = PerFilterConfigs.Compile(vh.TypedPerFilterConfig, where, filters).Over(configPerFilter);
        var routes = vh.Routes.Select((r, i) => CompileRoute($"{where} route \"{(r.Name.Length > 0 ? r.Name : "#" + i)}\"", r, hostRetry, hostPerFilter, filters)).ToArray();
        return new VirtualHostEntry(vh.Name, vh.Domains.ToArray(), routes,
            HeaderMutations.From(vh.RequestHeadersToAdd, vh.RequestHeadersToRemove),
            HeaderMutations.From(vh.ResponseHeadersToAdd, vh.ResponseHeadersToRemove), hostRetry);
    }

    private static RouteEntry CompileRoute(string where, Route route, RetryPolicyModel? hostRetry, PerFilterConfigs hostPerFilter, HttpFilterRegistry filters)
    {
        if (route.Match is null) throw new ConfigException($"{where}: no match");
        var matcher = RouteMatcher.From(route.Match, where);
        RouteActionModel action = route.ActionCase switch
        {
            Route.ActionOneofCase.Route_ => Forward(where, route.Route_, hostRetry, connectOnly: route.Match?.PathSpecifierCase == RouteMatch.PathSpecifierOneofCase.ConnectMatcher),
            Route.ActionOneofCase.Redirect => Redirect(where, route.Redirect),
            Route.ActionOneofCase.DirectResponse => Direct(where, route.DirectResponse),
            _ => throw new ConfigException($"{where}: unsupported action {route.ActionCase} (expected route, redirect or direct_response)"),
        };
        return new RouteEntry(route.Name, matcher, action,
            HeaderMutations.From(route.RequestHeadersToAdd, route.RequestHeadersToRemove),
            HeaderMutations.From(route.ResponseHeadersToAdd, route.ResponseHeadersToRemove),
            PerFilterConfigs.Compile(route.TypedPerFilterConfig, where, filters).Over(hostPerFilter));
    }

    private static ForwardAction Forward(string where, RouteAction a, RetryPolicyModel? hostRetry, bool connectOnly)
    {
        var maxDuration = Tunnels.TunnelPump.MaxDurationOf(a.MaxStreamDuration?.MaxStreamDuration_, where, "max_stream_duration");
        // A request stream's maximum duration is not implemented; only tunnels (connect_matcher routes) honour it.
        if (maxDuration is not null && !connectOnly)
            throw new ConfigException($"{where}: max_stream_duration is supported on connect_matcher routes only (it bounds their tunnels); for requests use timeout");
        List<ClusterChoice> clusters;
        string? clusterHeader = null;
        switch (a.ClusterSpecifierCase)
        {
            case RouteAction.ClusterSpecifierOneofCase.Cluster:
                clusters = [new ClusterChoice(a.Cluster, 1, HeaderMutations.None, HeaderMutations.None, null)];
                break;
            case RouteAction.ClusterSpecifierOneofCase.ClusterHeader:
                clusterHeader = a.ClusterHeader.ToLowerInvariant();
                clusters = [];
                break;
            case RouteAction.ClusterSpecifierOneofCase.WeightedClusters:
                // Envoy would resolve a chosen cluster's per-filter config before the route's; here the cluster is chosen
                // after the filters ran, so such a config is refused rather than silently not applied.
                if (a.WeightedClusters.Clusters.FirstOrDefault(c => c.TypedPerFilterConfig.Count > 0) is { } withConfig)
                    throw new ConfigException($"{where}: weighted_clusters cluster \"{withConfig.Name}\" has typed_per_filter_config, which this proxy does not support per cluster (set it on the route)");
                clusters = a.WeightedClusters.Clusters
                    .Select(c => new ClusterChoice(c.Name, c.Weight ?? 0,
                        HeaderMutations.From(c.RequestHeadersToAdd, c.RequestHeadersToRemove),
                        HeaderMutations.From(c.ResponseHeadersToAdd, c.ResponseHeadersToRemove),
                        c.HasHostRewriteLiteral ? c.HostRewriteLiteral : null))
                    .Where(c => c.Weight > 0)
                    .ToList();
                if (clusters.Count == 0) throw new ConfigException($"{where}: weighted_clusters has no cluster with a positive weight");
                break;
            default:
                throw new ConfigException($"{where}: route action names no cluster");
        }
        long total = clusters.Sum(c => (long)c.Weight);
        if (total > uint.MaxValue) throw new ConfigException($"{where}: cluster weights sum to more than {uint.MaxValue}");
        if (a.PrefixRewrite.Length > 0 && a.RegexRewrite is not null) throw new ConfigException($"{where}: prefix_rewrite and regex_rewrite are mutually exclusive");
        if (a.RegexRewrite is { Pattern: null }) throw new ConfigException($"{where}: regex_rewrite has no pattern");
        var timeout = a.Timeout is null ? TimeSpan.FromSeconds(15) : a.Timeout.ToTimeSpan();
        return new ForwardAction(clusters, (uint)total, clusterHeader,
            a.PrefixRewrite.Length > 0 ? a.PrefixRewrite : null,
            a.RegexRewrite is { } rr ? (RegexFactory.Search(rr.Pattern, where + " regex_rewrite"), RegexFactory.Substitution(rr.Substitution)) : null,
            a.HasHostRewriteLiteral ? a.HostRewriteLiteral : null,
            timeout > TimeSpan.Zero ? timeout : null,
            RetryPolicyModel.From(a.RetryPolicy) ?? hostRetry,
            a.ClusterNotFoundResponseCode switch
            {
                RouteAction.Types.ClusterNotFoundResponseCode.NotFound => 404,
                RouteAction.Types.ClusterNotFoundResponseCode.InternalServerError => 500,
                _ => 503,
            },
            HashPolicies.From(a.HashPolicy, where),
            ConnectUpgradeOf(a),
            Tunnels.TunnelPump.IdleTimeoutOf(a.IdleTimeout, where),
            maxDuration,
            a.RequestMirrorPolicies.Count > 0 ? MirrorPolicy.From(a.RequestMirrorPolicies, where) : null);
    }

    private static ConnectUpgrade ConnectUpgradeOf(RouteAction a)
    {
        var connect = a.UpgradeConfigs.FirstOrDefault(u => u.UpgradeType.Equals("CONNECT", StringComparison.OrdinalIgnoreCase));
        if (connect is null) return ConnectUpgrade.Inherit;
        if (connect.Enabled == false) return ConnectUpgrade.Disabled;
        return connect.ConnectConfig is null ? ConnectUpgrade.Forward : ConnectUpgrade.Terminate;
    }

    private static RedirectActionModel Redirect(string where, RedirectAction r)
    {
        var status = r.ResponseCode switch
        {
            RedirectAction.Types.RedirectResponseCode.Found => 302,
            RedirectAction.Types.RedirectResponseCode.SeeOther => 303,
            RedirectAction.Types.RedirectResponseCode.TemporaryRedirect => 307,
            RedirectAction.Types.RedirectResponseCode.PermanentRedirect => 308,
            _ => 301,
        };
        string? scheme = r.HasHttpsRedirect && r.HttpsRedirect ? "https" : r.HasSchemeRedirect ? r.SchemeRedirect : null;
        return new RedirectActionModel(status, scheme, r.HostRedirect.Length > 0 ? r.HostRedirect : null, r.PortRedirect,
            r.HasPathRedirect ? r.PathRedirect : null,
            r.HasPrefixRewrite ? r.PrefixRewrite : null,
            r.RegexRewrite is { } rr ? (RegexFactory.Search(rr.Pattern, where + " redirect regex_rewrite"), RegexFactory.Substitution(rr.Substitution)) : null,
            r.StripQuery);
    }

    private static DirectResponseModel Direct(string where, DirectResponseAction d)
    {
        if (d.Status is < 200 or > 599) throw new ConfigException($"{where}: direct_response status {d.Status} is outside 200-599");
        var body = d.Body?.SpecifierCase switch
        {
            Envoy.Config.Core.V3.DataSource.SpecifierOneofCase.InlineString => System.Text.Encoding.UTF8.GetBytes(d.Body.InlineString),
            Envoy.Config.Core.V3.DataSource.SpecifierOneofCase.InlineBytes => d.Body.InlineBytes.ToByteArray(),
            null or Envoy.Config.Core.V3.DataSource.SpecifierOneofCase.None => [],
            _ => throw new ConfigException($"{where}: direct_response body must be inline (inline_string or inline_bytes)"),
        };
        if (body.Length > 4096 * 1024) throw new ConfigException($"{where}: direct_response body exceeds 4 MiB");
        return new DirectResponseModel((int)d.Status, body);
    }
}
