using System.Text.RegularExpressions;

namespace Trellis.Config.Loading;

/// <summary>Checks that a pattern is valid for Envoy's RE2 engine. .NET's non-backtracking engine rejects the same
/// constructs RE2 does (backreferences, lookarounds, atomic groups), so it stands in for RE2 here.</summary>
internal static class RegexCheck
{
    private const int MaxLength = 10_000;

    /// <summary>Null when the pattern compiles; otherwise why not.</summary>
    public static string? Error(string pattern)
    {
        if (pattern.Length > MaxLength) return $"longer than {MaxLength} characters";
        // RE2 spells named groups (?P<name>...); .NET only knows (?<name>...).
        var dotnet = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        try
        {
            _ = new Regex(dotnet, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (NotSupportedException e)
        {
            return $"not supported by RE2 ({FirstSentence(e.Message)})";
        }
        catch (ArgumentException e)
        {
            return FirstSentence(e.Message);
        }
    }

    private static string FirstSentence(string message)
    {
        var text = message.Replace("\r", "").Replace('\n', ' ');
        return text.TrimEnd('.');
    }
}
