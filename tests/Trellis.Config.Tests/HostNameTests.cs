using Trellis.Config.Loading;

namespace Trellis.Config.Tests;

/// <summary>Host resolution, wildcard matching and duration syntax.</summary>
public class HostNameTests
{
    [Theory]
    [InlineData("reviews", "bookinfo", "reviews.bookinfo.svc.cluster.local")]
    [InlineData("reviews.bookinfo.svc.cluster.local", "default", "reviews.bookinfo.svc.cluster.local")]
    [InlineData("reviews.bookinfo.svc", "default", "reviews.bookinfo.svc.cluster.local")]
    [InlineData("api.example.com", "default", "api.example.com")]
    [InlineData("*.example.com", "default", "*.example.com")]
    public void Resolves_like_istio(string host, string ns, string expected) => Assert.Equal(expected, HostName.Resolve(host, ns));

    [Fact]
    public void Namespaced_short_form_is_also_a_candidate() =>
        Assert.Contains("reviews.bookinfo.svc.cluster.local", HostName.Candidates("reviews.bookinfo", "default"));

    [Theory]
    [InlineData("*", "anything.at.all", true)]
    [InlineData("*.example.com", "api.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("api.example.com", "API.example.com", true)]
    [InlineData("api.example.com", "app.example.com", false)]
    public void Matches_wildcards(string pattern, string host, bool expected) => Assert.Equal(expected, HostName.Matches(pattern, host));

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("100ms", 100)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("0", 0)]
    public void Parses_durations(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("1d")]
    [InlineData("1.2.3s")]
    [InlineData("")]
    public void Rejects_bad_durations(string text) => Assert.False(DurationParser.TryParse(text, out _));
}
