namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>Request durations in Istio's buckets, cumulative as Prometheus's le buckets are (so histograms from many
/// proxies add bucket by bucket), with quantiles estimated as histogram_quantile does: linear within the bucket that
/// holds the rank.</summary>
internal sealed class DurationHistogram
{
    /// <summary>Envoy's default histogram buckets, which Istio's istio_request_duration_milliseconds uses; the last is +Inf.</summary>
    public static readonly double[] Bounds =
        [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000, double.PositiveInfinity];

    /// <summary>Observations at or below each bound.</summary>
    public long[] Cumulative { get; } = new long[Bounds.Length];

    public long Total => Cumulative[^1];

    /// <summary>Adds to the bucket whose upper bound is <paramref name="le"/>; bounds that are not Istio's are ignored.</summary>
    public void AddToBound(double le, long delta)
    {
        var index = Array.IndexOf(Bounds, le);
        if (index >= 0) Cumulative[index] += delta;
    }

    public void Add(DurationHistogram other)
    {
        for (var i = 0; i < Cumulative.Length; i++) Cumulative[i] += other.Cumulative[i];
    }

    /// <summary>The q-quantile in milliseconds; null without observations. A rank in the +Inf bucket gives the
    /// highest finite bound, as histogram_quantile does.</summary>
    public double? Quantile(double q)
    {
        var total = Total;
        if (total <= 0) return null;
        var rank = q * total;
        for (var i = 0; i < Bounds.Length; i++)
        {
            if (Cumulative[i] < rank) continue;
            if (double.IsPositiveInfinity(Bounds[i])) return Bounds[i - 1];
            var below = i == 0 ? 0 : Cumulative[i - 1];
            var lower = i == 0 ? 0 : Bounds[i - 1];
            var inBucket = Cumulative[i] - below;
            return inBucket == 0 ? Bounds[i] : lower + (Bounds[i] - lower) * ((rank - below) / inBucket);
        }
        return Bounds[^2];
    }
}
