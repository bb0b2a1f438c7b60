using Trellis.Config.Model;

namespace Trellis.Config.Tests;

/// <summary>Test helpers: load YAML text and pick diagnostics.</summary>
internal static class Load
{
    public static LoadResult Text(string yaml, string file = "test.yaml") => ConfigLoader.LoadText(yaml, file);

    public static IReadOnlyList<Diagnostic> Errors(string yaml) =>
        Text(yaml).Diagnostics.Where(d => d.Severity == Severity.Error).ToList();

    public static Diagnostic SingleError(string yaml)
    {
        var errors = Errors(yaml);
        return Assert.Single(errors);
    }

    public static Resource Single(string yaml)
    {
        var result = Text(yaml);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return Assert.Single(result.Resources);
    }

    public static IReadOnlyList<Diagnostic> Analyze(string yaml)
    {
        var result = Text(yaml);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return MeshAnalyzer.Analyze(result.Resources);
    }
}
