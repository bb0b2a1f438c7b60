using Trellis.ControlPlane.Observability.Traffic;

namespace Trellis.ControlPlane.Tests.Observability;

public sealed class CounterDeltasTests
{
    [Fact]
    public void The_first_scrape_sets_the_baseline_and_later_ones_count_growth()
    {
        var deltas = new CounterDeltas();
        Scrape(deltas, ("a", 10));
        Assert.Equal([5L], Scrape(deltas, ("a", 15)));
    }

    [Fact]
    public void A_series_new_on_a_known_proxy_grew_from_zero()
    {
        var deltas = new CounterDeltas();
        Scrape(deltas, ("a", 10));
        Assert.Equal([0L, 4L], Scrape(deltas, ("a", 10), ("b", 4)));
    }

    [Fact]
    public void A_counter_that_went_down_was_reset_and_counts_from_zero()
    {
        var deltas = new CounterDeltas();
        Scrape(deltas, ("a", 100));
        Assert.Equal([3L], Scrape(deltas, ("a", 3)));
    }

    [Fact]
    public void A_series_missing_from_a_scrape_counts_from_zero_when_it_returns()
    {
        var deltas = new CounterDeltas();
        Scrape(deltas, ("a", 10));
        Scrape(deltas);
        Assert.Equal([12L], Scrape(deltas, ("a", 12)));
    }

    private static long[] Scrape(CounterDeltas deltas, params (string Series, double Value)[] values)
    {
        deltas.Begin();
        var result = values.Select(v => deltas.Delta(v.Series, v.Value)).ToArray();
        deltas.Complete();
        return result;
    }
}
