using Trellis.Config.Model;

namespace Trellis.Config;

/// <summary>What loading produced: the resources read and every diagnostic (syntax, schema, duplicates).</summary>
public sealed record LoadResult(IReadOnlyList<Resource> Resources, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error; such a load must be rejected as a whole.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}
