namespace Trellis.Config;

/// <summary>Schema diagnostics of a load plus the mesh analysis, sorted by file, line and column — what <c>trellis analyze</c> prints.</summary>
public static class ConfigValidator
{
    /// <summary>All findings for a load, so that one run shows every problem.</summary>
    public static IReadOnlyList<Diagnostic> Validate(LoadResult load) =>
        load.Diagnostics.Concat(MeshAnalyzer.Analyze(load.Resources))
            .OrderBy(d => d.File ?? "", StringComparer.Ordinal)
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)
            .ThenBy(d => d.Severity)
            .ToList();
}
