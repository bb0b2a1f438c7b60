using Trellis.Xds;

namespace Trellis.Xds.Tests;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("24h", 86400)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("1.5h", 5400)]
    public void Parses_the_durations_istio_knobs_take(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("24")]
    [InlineData("1d")]
    [InlineData("-5m")]
    [InlineData("0s")]
    public void Refuses_what_go_would_not_take_or_what_is_no_lifetime(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
