namespace Trellis.Runtime.Tests;

public sealed class ReadinessCounterTests
{
    [Fact]
    public void Thresholds_count_consecutive_results()
    {
        var counter = new ReadinessCounter(successThreshold: 2, failureThreshold: 3);

        Assert.False(counter.Record(true));
        Assert.False(counter.Record(false));
        Assert.False(counter.Record(true));
        Assert.True(counter.Record(true));
        Assert.True(counter.Record(false));
        Assert.True(counter.Record(false));
        Assert.True(counter.Record(true));
        Assert.True(counter.Record(false));
        Assert.True(counter.Record(false));
        Assert.False(counter.Record(false));
    }

    [Fact]
    public void Back_off_doubles_up_to_its_maximum()
    {
        var backOff = RestartBackOff.Local;
        var delays = new List<TimeSpan> { backOff.Initial };
        for (var i = 0; i < 7; i++) delays.Add(backOff.Next(delays[^1]));

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays.Select(d => d.TotalSeconds));
    }
}
