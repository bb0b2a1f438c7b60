using Trellis.Config.Loading;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>Istio StringMatch must set exactly one of exact, prefix, regex (an empty match means "present" for headers).</summary>
internal static class StringMatchValidation
{
    public static void Check(ValidationSink sink, string path, StringMatch? match, bool emptyAllowed = false)
    {
        if (match is null) return;
        var set = new[] { match.Exact, match.Prefix, match.Regex }.Count(v => v is not null);
        if (set > 1) sink.Error(path, "set only one of exact, prefix or regex");
        else if (set == 0 && !emptyAllowed) sink.Error(path, "set one of exact, prefix or regex");
    }

    public static void CheckMap(ValidationSink sink, string path, IReadOnlyDictionary<string, StringMatch>? map)
    {
        foreach (var (key, value) in map ?? System.Collections.Immutable.ImmutableDictionary<string, StringMatch>.Empty)
            Check(sink, FieldPath.Member(path, key), value, emptyAllowed: true);
    }
}
