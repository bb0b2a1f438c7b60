using System.Text.RegularExpressions;
using Envoy.Type.Matcher.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Routing;

/// <summary>A compiled Envoy StringMatcher: exact, prefix, suffix, contains or full-match regex.</summary>
internal sealed class StringMatch
{
    private enum Kind { Exact, Prefix, Suffix, Contains, Regex }

    private readonly Kind _kind;
    private readonly string _value = "";
    private readonly Regex? _regex;
    private readonly StringComparison _comparison;

    private StringMatch(Kind kind, string value, Regex? regex, bool ignoreCase)
    {
        _kind = kind;
        _value = value;
        _regex = regex;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }

    public static StringMatch Exact(string value, bool ignoreCase = false) => new(Kind.Exact, value, null, ignoreCase);
    public static StringMatch Prefix(string value, bool ignoreCase = false) => new(Kind.Prefix, value, null, ignoreCase);
    public static StringMatch Suffix(string value, bool ignoreCase = false) => new(Kind.Suffix, value, null, ignoreCase);
    public static StringMatch Contains(string value, bool ignoreCase = false) => new(Kind.Contains, value, null, ignoreCase);
    public static StringMatch Regex(RegexMatcher regex, string where) => new(Kind.Regex, regex.Regex, RegexFactory.FullMatch(regex, where), false);

    public static StringMatch From(StringMatcher m, string where) => m.MatchPatternCase switch
    {
        StringMatcher.MatchPatternOneofCase.Exact => Exact(m.Exact, m.IgnoreCase),
        StringMatcher.MatchPatternOneofCase.Prefix => Prefix(m.Prefix, m.IgnoreCase),
        StringMatcher.MatchPatternOneofCase.Suffix => Suffix(m.Suffix, m.IgnoreCase),
        StringMatcher.MatchPatternOneofCase.Contains => Contains(m.Contains, m.IgnoreCase),
        StringMatcher.MatchPatternOneofCase.SafeRegex => Regex(m.SafeRegex, where),
        _ => throw new ConfigException($"{where}: string matcher has no pattern"),
    };

    public bool Matches(string value) => _kind switch
    {
        Kind.Exact => value.Equals(_value, _comparison),
        Kind.Prefix => value.StartsWith(_value, _comparison),
        Kind.Suffix => value.EndsWith(_value, _comparison),
        Kind.Contains => value.Contains(_value, _comparison),
        _ => _regex!.IsMatch(value),
    };

    public override string ToString() => $"{_kind.ToString().ToLowerInvariant()} \"{_value}\"";
}
