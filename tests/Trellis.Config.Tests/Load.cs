using Trellis.Config.Model;

namespace Trellis.Config.Tests;

/// <summary>Test helpers: load YAML text and pick diagnostics.</summary>
internal static class Load
{
    public static LoadResult Text(string yaml, string file = "test.yaml") => ConfigLoader.LoadText(yaml, file);

    /// <summary>The ConfigMap istio-system/istio with <paramref name="mesh"/> (MeshConfig YAML) as its mesh, and a document separator.</summary>
    public static string MeshConfig(string mesh) =>
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |\n"
        + string.Concat(mesh.Split('\n').Select(l => $"    {l}\n")) + "---\n";

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
