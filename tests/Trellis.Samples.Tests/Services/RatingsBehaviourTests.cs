using Trellis.Samples.Bookinfo.Ratings;

namespace Trellis.Samples.Tests.Services;

public sealed class RatingsBehaviourTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Theory]
    [InlineData(0.2, true)]
    [InlineData(0.8, false)]
    public void Faulty_fails_the_lower_half_of_draws(double draw, bool fails) =>
        Assert.Equal(fails, new RatingsBehaviour(RatingsMode.Faulty, new ManualClock(), () => draw).ShouldFail());

    [Fact]
    public void Delayed_stalls_half_the_requests_for_seven_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), new RatingsBehaviour(RatingsMode.Delayed, new ManualClock(), () => 0.1).DelayBeforeAnswer());
        Assert.Equal(TimeSpan.Zero, new RatingsBehaviour(RatingsMode.Delayed, new ManualClock(), () => 0.9).DelayBeforeAnswer());
    }

    [Fact]
    public void Unavailable_alternates_minutes_of_answering_and_failing()
    {
        var clock = new ManualClock();
        var behaviour = new RatingsBehaviour(RatingsMode.Unavailable, clock, () => 0);
        Assert.False(behaviour.ShouldFail());
        clock.Now += TimeSpan.FromSeconds(61);
        Assert.True(behaviour.ShouldFail());
        clock.Now += TimeSpan.FromSeconds(60);
        Assert.False(behaviour.ShouldFail());
        Assert.True(behaviour.IsHealthy);
    }

    [Fact]
    public void Unhealthy_fails_requests_and_health_for_the_second_quarter_hour()
    {
        var clock = new ManualClock();
        var behaviour = new RatingsBehaviour(RatingsMode.Unhealthy, clock, () => 0);
        Assert.True(behaviour.IsHealthy);
        clock.Now += TimeSpan.FromMinutes(16);
        Assert.False(behaviour.IsHealthy);
        Assert.True(behaviour.ShouldFail());
    }

    [Fact]
    public void Normal_never_fails_or_stalls()
    {
        var behaviour = new RatingsBehaviour(RatingsMode.Normal, new ManualClock(), () => 0);
        Assert.False(behaviour.ShouldFail());
        Assert.Equal(TimeSpan.Zero, behaviour.DelayBeforeAnswer());
    }
}
