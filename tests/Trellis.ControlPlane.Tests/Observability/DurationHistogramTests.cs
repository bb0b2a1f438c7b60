using Trellis.ControlPlane.Observability.Traffic;

namespace Trellis.ControlPlane.Tests.Observability;

public sealed class DurationHistogramTests
{
    [Fact]
    public void Quantiles_interpolate_within_the_bucket_as_histogram_quantile_does()
    {
        var histogram = new DurationHistogram();
        // 10 observations at or below 10 ms, 10 more up to 25 ms.
        histogram.AddToBound(5, 0);
        histogram.AddToBound(10, 10);
        histogram.AddToBound(25, 20);
        foreach (var bound in DurationHistogram.Bounds.Where(b => b > 25)) histogram.AddToBound(bound, 20);
        Assert.Equal(20, histogram.Total);
        Assert.Equal(10, histogram.Quantile(0.5)!.Value, 6);
        Assert.Equal(10 + 15 * 0.9, histogram.Quantile(0.95)!.Value, 6);
    }

    [Fact]
    public void A_rank_in_the_infinite_bucket_gives_the_highest_finite_bound()
    {
        var histogram = new DurationHistogram();
        histogram.AddToBound(double.PositiveInfinity, 3);
        Assert.Equal(3600000, histogram.Quantile(0.99));
    }

    [Fact]
    public void No_observations_have_no_quantile()
    {
        Assert.Null(new DurationHistogram().Quantile(0.5));
    }

    [Fact]
    public void Histograms_of_several_proxies_add_bucket_by_bucket()
    {
        var a = new DurationHistogram();
        var b = new DurationHistogram();
        a.AddToBound(double.PositiveInfinity, 2);
        b.AddToBound(double.PositiveInfinity, 3);
        a.Add(b);
        Assert.Equal(5, a.Total);
    }
}
