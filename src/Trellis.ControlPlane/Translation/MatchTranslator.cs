using Envoy.Config.Route.V3;
using Envoy.Type.Matcher.V3;
using Trellis.Config.Model.Networking;

namespace Trellis.ControlPlane.Translation;

/// <summary>Translates an Istio HTTPMatchRequest into Envoy's RouteMatch, the way istiod does:
/// method/authority/scheme become pseudo-header matchers, an empty header match means "present".</summary>
internal static class MatchTranslator
{
    public static RouteMatch Translate(HttpMatchRequest? match)
    {
        var route = new RouteMatch { Prefix = "/" };
        if (match is null) return route;

        if (match.Uri is { } uri)
        {
            if (uri.Exact is not null) route.Path = uri.Exact;
            else if (uri.Prefix is not null) route.Prefix = uri.Prefix;
            else if (uri.Regex is not null) route.SafeRegex = Regex(uri.Regex);
        }
        if (match.IgnoreUriCase == true) route.CaseSensitive = false;

        foreach (var (name, value) in match.Headers ?? [])
            route.Headers.Add(Header(name.ToLowerInvariant(), value, invert: false));
        foreach (var (name, value) in match.WithoutHeaders ?? [])
            route.Headers.Add(Header(name.ToLowerInvariant(), value, invert: true));
        if (match.Method is { } method) route.Headers.Add(Header(":method", method, invert: false));
        if (match.Authority is { } authority) route.Headers.Add(Header(":authority", authority, invert: false));
        if (match.Scheme is { } scheme) route.Headers.Add(Header(":scheme", scheme, invert: false));

        foreach (var (name, value) in match.QueryParams ?? [])
        {
            var query = new QueryParameterMatcher { Name = name };
            var matcher = StringMatcher(value);
            if (matcher is null) query.PresentMatch = true;
            else query.StringMatch = matcher;
            route.QueryParameters.Add(query);
        }
        return route;
    }

    private static HeaderMatcher Header(string name, StringMatch value, bool invert)
    {
        var header = new HeaderMatcher { Name = name, InvertMatch = invert };
        var matcher = StringMatcher(value);
        if (matcher is null) header.PresentMatch = true;
        else header.StringMatch = matcher;
        return header;
    }

    private static StringMatcher? StringMatcher(StringMatch value)
    {
        if (value.Exact is not null) return new StringMatcher { Exact = value.Exact };
        if (value.Prefix is not null) return new StringMatcher { Prefix = value.Prefix };
        if (value.Regex is not null) return new StringMatcher { SafeRegex = Regex(value.Regex) };
        return null;
    }

    private static RegexMatcher Regex(string pattern) => new() { Regex = pattern };
}
