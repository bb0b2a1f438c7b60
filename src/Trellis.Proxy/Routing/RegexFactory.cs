using System.Text.RegularExpressions;
using Envoy.Type.Matcher.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Routing;

/// <summary>Compiles Envoy's RE2 regexes into linear-time .NET regexes with RE2's full-match semantics.</summary>
internal static class RegexFactory
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>A regex that must match the whole input, as Envoy's safe_regex does.</summary>
    public static Regex FullMatch(RegexMatcher matcher, string where) => Compile($@"\A(?:{Translate(matcher.Regex)})\z", matcher.Regex, where);

    /// <summary>A regex that matches anywhere, for substitutions (regex_rewrite).</summary>
    public static Regex Search(RegexMatcher matcher, string where) => Compile(Translate(matcher.Regex), matcher.Regex, where);

    /// <summary>RE2 writes capture references in substitutions as \1; .NET as ${1}.</summary>
    public static string Substitution(string re2) => Regex.Replace(re2.Replace("$", "$$", StringComparison.Ordinal), @"\\(\d)", "${$1}");

    // RE2's named groups (?P<name>...) are spelled (?<name>...) in .NET.
    private static string Translate(string re2) => re2.Replace("(?P<", "(?<", StringComparison.Ordinal);

    private static Regex Compile(string pattern, string original, string where)
    {
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"{where}: invalid regex \"{original}\": {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw new ConfigException($"{where}: regex \"{original}\" uses a construct RE2 does not allow: {e.Message}");
        }
    }
}
