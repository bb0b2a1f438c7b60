using Trellis.Config;
using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation;

/// <summary>Translates one VirtualService's http routes into Envoy routes for a given service port
/// (mesh) or gateway. Each match block becomes its own Envoy route with the same action, so
/// "first match wins" keeps Istio's order.</summary>
internal sealed class HttpRouteTranslator(MeshModel mesh, string vsNamespace)
{
    /// <summary>An http route without `match` matches everything.</summary>
    private static readonly IReadOnlyList<HttpMatchRequest?> NoMatch = [null];

    private readonly DestinationClusters _destinations = new(mesh, vsNamespace);

    /// <param name="port">The service port being routed (mesh), or null for gateways.</param>
    /// <param name="gateway">"mesh" or the "namespace/name" of the gateway being built.</param>
    /// <param name="client">The proxy the routes are for (sourceLabels and sourceNamespace matches).</param>
    /// <param name="requestPort">The port requests arrive on (a redirect's derivePort FROM_REQUEST_PORT names it); the
    /// service port when null.</param>
    public IEnumerable<Route> Translate(VirtualServiceSpec vs, int? port, string gateway, ProxyNode client, int? requestPort = null)
    {
        foreach (var http in vs.Http ?? [])
        {
            IReadOnlyList<HttpMatchRequest?> matches = http.Match is { Count: > 0 } m ? m : NoMatch;
            foreach (var match in matches)
            {
                if (match is not null && !Applies(match, port, gateway, client)) continue;
                var route = new Route { Match = MatchTranslator.Translate(match), Name = http.Name ?? match?.Name ?? "" };
                if (!TrySetAction(route, http, match, client, port, requestPort ?? port)) continue;
                AddHeaderOperations(route, http.Headers);
                // Whatever the action (route, redirect or direct response), as Istio: the fault filter runs before the router.
                if (FaultTranslator.Translate(http.Fault) is { } fault) route.TypedPerFilterConfig[FaultTranslator.FilterName] = XdsAny.Pack(fault);
                yield return route;
            }
        }
    }

    /// <summary>Istio's source match: a match naming gateways applies to those gateways alone (its
    /// sourceLabels and sourceNamespace are not consulted); otherwise the client must carry every
    /// sourceLabel and live in the sourceNamespace.</summary>
    private bool Applies(HttpMatchRequest match, int? port, string gateway, ProxyNode client)
    {
        if (match.Port is { } p && port is { } servicePort && p != servicePort) return false;
        if (match.Gateways is { Count: > 0 } gws) return gws.Any(g => GatewayRef.Normalize(g, vsNamespace) == gateway);
        if (match.SourceLabels is { Count: > 0 } labels
            && !labels.All(kv => client.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)) return false;
        return string.IsNullOrEmpty(match.SourceNamespace) || match.SourceNamespace == client.Namespace;
    }

    private bool TrySetAction(Route route, HttpRoute http, HttpMatchRequest? match, ProxyNode client, int? port, int? requestPort)
    {
        if (http.DirectResponse is { } direct)
        {
            route.DirectResponse = new DirectResponseAction { Status = (uint)(direct.Status ?? 200) };
            if (direct.Body?.String is { } body) route.DirectResponse.Body = new DataSource { InlineString = body };
            return true;
        }
        if (http.Redirect is { } redirect)
        {
            route.Redirect = new RedirectAction { ResponseCode = RedirectCode(redirect.RedirectCode) };
            if (redirect.Uri is not null) route.Redirect.PathRedirect = redirect.Uri;
            if (redirect.Authority is not null) route.Redirect.HostRedirect = redirect.Authority;
            if (redirect.Scheme is not null) route.Redirect.SchemeRedirect = redirect.Scheme;
            if (redirect.Port is { } rp) route.Redirect.PortRedirect = (uint)rp;
            // As istiod: Envoy cannot take the port from the request, but each route table serves one port, so it is known.
            // FROM_PROTOCOL_DEFAULT leaves the port out, which is the scheme's default.
            else if (redirect.DerivePort == "FROM_REQUEST_PORT" && requestPort is { } derived) route.Redirect.PortRedirect = (uint)derived;
            return true;
        }
        if (http.Route is not { Count: > 0 } destinations) return false;

        var action = new RouteAction
        {
            // Istio disables Envoy's 15s default route timeout unless the VirtualService sets one.
            Timeout = Duration.FromTimeSpan(http.Timeout ?? TimeSpan.Zero),
            RetryPolicy = RetryPolicies.From(http.Retries),
        };
        _destinations.Apply(action, destinations.Select(d => (d.Destination, d.Weight)).ToList(), client, port);
        foreach (var (mirror, fraction) in MirrorTranslator.Policies(http))
            action.RequestMirrorPolicies.Add(new RouteAction.Types.RequestMirrorPolicy { Cluster = _destinations.ClusterName(mirror, client, port), RuntimeFraction = fraction });
        if (http.Rewrite is { } rewrite)
        {
            if (rewrite.Uri is not null)
            {
                if (match?.Uri?.Exact is not null) action.RegexRewrite = new Envoy.Type.Matcher.V3.RegexMatchAndSubstitute
                {
                    Pattern = new Envoy.Type.Matcher.V3.RegexMatcher { Regex = "^" + System.Text.RegularExpressions.Regex.Escape(match.Uri.Exact) + "$" },
                    Substitution = rewrite.Uri,
                };
                else action.PrefixRewrite = rewrite.Uri;
            }
            else if (rewrite.UriRegexRewrite is { Match: { } pattern } regex) action.RegexRewrite = new Envoy.Type.Matcher.V3.RegexMatchAndSubstitute
            {
                Pattern = new Envoy.Type.Matcher.V3.RegexMatcher { Regex = pattern },
                Substitution = regex.Rewrite ?? "",
            };
            if (rewrite.Authority is not null) action.HostRewriteLiteral = rewrite.Authority;
        }
        route.Route_ = action;
        return true;
    }

    private static RedirectAction.Types.RedirectResponseCode RedirectCode(int? code) => code switch
    {
        302 => RedirectAction.Types.RedirectResponseCode.Found,
        303 => RedirectAction.Types.RedirectResponseCode.SeeOther,
        307 => RedirectAction.Types.RedirectResponseCode.TemporaryRedirect,
        308 => RedirectAction.Types.RedirectResponseCode.PermanentRedirect,
        _ => RedirectAction.Types.RedirectResponseCode.MovedPermanently,
    };

    private static void AddHeaderOperations(Route route, Headers? headers)
    {
        if (headers is null) return;
        if (headers.Request is { } request)
        {
            foreach (var (k, v) in request.Set ?? []) route.RequestHeadersToAdd.Add(HeaderOption(k, v, append: false));
            foreach (var (k, v) in request.Add ?? []) route.RequestHeadersToAdd.Add(HeaderOption(k, v, append: true));
            route.RequestHeadersToRemove.AddRange(request.Remove ?? []);
        }
        if (headers.Response is { } response)
        {
            foreach (var (k, v) in response.Set ?? []) route.ResponseHeadersToAdd.Add(HeaderOption(k, v, append: false));
            foreach (var (k, v) in response.Add ?? []) route.ResponseHeadersToAdd.Add(HeaderOption(k, v, append: true));
            route.ResponseHeadersToRemove.AddRange(response.Remove ?? []);
        }
    }

    private static HeaderValueOption HeaderOption(string key, string value, bool append) => new()
    {
        Header = new HeaderValue { Key = key, Value = value },
        AppendAction = append ? HeaderValueOption.Types.HeaderAppendAction.AppendIfExistsOrAdd : HeaderValueOption.Types.HeaderAppendAction.OverwriteIfExistsOrAdd,
    };
}
