using Envoy.Config.Route.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Routing;

/// <summary>A compiled Envoy QueryParameterMatcher: an absent parameter never matches.</summary>
internal sealed class QueryParameterMatch(string name, StringMatch? value)
{
    public static QueryParameterMatch From(QueryParameterMatcher m, string where)
    {
        if (string.IsNullOrEmpty(m.Name)) throw new ConfigException($"{where}: query parameter matcher without a name");
        return m.QueryParameterMatchSpecifierCase switch
        {
            QueryParameterMatcher.QueryParameterMatchSpecifierOneofCase.StringMatch => new(m.Name, StringMatch.From(m.StringMatch, $"{where} query \"{m.Name}\"")),
            _ => new(m.Name, null),
        };
    }

    public bool Matches(HttpRequest request)
    {
        if (!request.Query.TryGetValue(name, out var values)) return false;
        return value is null || value.Matches(values.Count > 0 ? values[0] ?? "" : "");
    }
}
