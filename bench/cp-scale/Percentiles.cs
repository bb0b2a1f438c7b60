namespace Trellis.Bench.CpScale;

/// <summary>Nearest-rank percentiles of a set of durations.</summary>
internal static class Percentiles
{
    public static TimeSpan Of(IReadOnlyList<TimeSpan> sorted, double percentile) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
