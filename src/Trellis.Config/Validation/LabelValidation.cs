using Trellis.Config.Loading;

namespace Trellis.Config.Validation;

/// <summary>Checks a map of labels (metadata labels, selectors, subset labels).</summary>
internal static class LabelValidation
{
    public static void Check(ValidationSink sink, string path, IReadOnlyDictionary<string, string>? labels, bool valuesAreLabels = true)
    {
        foreach (var (key, value) in labels ?? System.Collections.Immutable.ImmutableDictionary<string, string>.Empty)
        {
            var at = FieldPath.Member(path, key);
            if (Names.LabelKey(key) is { } keyProblem) sink.Error(at, keyProblem);
            else if (valuesAreLabels && Names.LabelValue(value) is { } valueProblem) sink.Error(at, valueProblem);
        }
    }
}
