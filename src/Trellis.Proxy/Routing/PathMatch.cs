using System.Text.RegularExpressions;
using Envoy.Config.Route.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Routing;

/// <summary>The path part of an Envoy RouteMatch; it sees the path without the query string.
/// A connect_matcher takes the path's place: it matches CONNECT requests, which have no path.</summary>
internal sealed class PathMatch
{
    public enum Kind { Prefix, Exact, Regex, SeparatedPrefix, Connect }

    private readonly Regex? _regex;
    private readonly StringComparison _comparison;

    public Kind Type { get; }

    /// <summary>The prefix or path literal (for prefix_rewrite), or the regex source.</summary>
    public string Value { get; }

    private PathMatch(Kind kind, string value, Regex? regex, bool caseSensitive)
    {
        Type = kind;
        Value = value;
        _regex = regex;
        _comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
    }

    public static PathMatch From(RouteMatch m, string where)
    {
        var caseSensitive = m.CaseSensitive ?? true;
        return m.PathSpecifierCase switch
        {
            RouteMatch.PathSpecifierOneofCase.Prefix => new(Kind.Prefix, m.Prefix, null, caseSensitive),
            RouteMatch.PathSpecifierOneofCase.Path => new(Kind.Exact, m.Path, null, caseSensitive),
            RouteMatch.PathSpecifierOneofCase.SafeRegex => new(Kind.Regex, m.SafeRegex.Regex, RegexFactory.FullMatch(m.SafeRegex, where), true),
            RouteMatch.PathSpecifierOneofCase.PathSeparatedPrefix when m.PathSeparatedPrefix.EndsWith('/') =>
                throw new ConfigException($"{where}: path_separated_prefix \"{m.PathSeparatedPrefix}\" must not end with '/'"),
            RouteMatch.PathSpecifierOneofCase.PathSeparatedPrefix => new(Kind.SeparatedPrefix, m.PathSeparatedPrefix, null, caseSensitive),
            RouteMatch.PathSpecifierOneofCase.ConnectMatcher => new(Kind.Connect, "", null, true),
            _ => throw new ConfigException($"{where}: route match has no path specifier (prefix, path, safe_regex, path_separated_prefix or connect_matcher)"),
        };
    }

    public bool Matches(string path) => Type switch
    {
        Kind.Prefix => path.StartsWith(Value, _comparison),
        Kind.Exact => path.Equals(Value, _comparison),
        Kind.Regex => _regex!.IsMatch(path),
        Kind.Connect => false,
        _ => path.StartsWith(Value, _comparison) && (path.Length == Value.Length || path[Value.Length] == '/'),
    };

    public override string ToString() => Type switch
    {
        Kind.Prefix => $"prefix \"{Value}\"",
        Kind.Exact => $"path \"{Value}\"",
        Kind.Regex => $"regex \"{Value}\"",
        Kind.Connect => "connect_matcher",
        _ => $"path_separated_prefix \"{Value}\"",
    };
}
