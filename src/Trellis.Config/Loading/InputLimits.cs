using System.Globalization;

namespace Trellis.Config;

/// <summary>What one load accepts — one <c>trellis apply</c>, <c>delete</c> or <c>analyze</c> — bounded as Kubernetes'
/// API server bounds its inputs, and checked before the YAML is parsed any deeper than the check needs.</summary>
public static class InputLimits
{
    /// <summary>Bytes of manifests per load, per file and in total: Kubernetes' API server refuses request bodies over 3 MiB.</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    /// <summary>Nesting of maps and lists. Real manifests stay under 30 levels; this bound keeps every recursive step
    /// of loading, validation and translation far from the end of a thread's stack.</summary>
    public const int MaxDepth = 200;

    /// <summary>Objects per load (a <c>List</c>'s items count one by one).</summary>
    public const int MaxObjects = 10_000;

    /// <summary>YAML nodes per document. Aliases aside, only a document far larger than any manifest reaches it.</summary>
    public const int MaxNodes = 200_000;

    /// <summary>Bytes of annotation keys and values per object: Kubernetes' <c>TotalAnnotationSizeLimitB</c>.</summary>
    public const int MaxAnnotationBytes = 256 * 1024;

    /// <summary>A byte count as people read it: "3 MiB", "20.5 MiB", "300 KiB".</summary>
    public static string Size(long bytes) =>
        bytes >= 1024 * 1024 ? $"{Round(bytes / (1024.0 * 1024))} MiB"
        : bytes >= 1024 ? $"{Round(bytes / 1024.0)} KiB"
        : $"{bytes} bytes";

    private static string Round(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
