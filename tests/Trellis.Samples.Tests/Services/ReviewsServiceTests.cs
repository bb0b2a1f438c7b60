using System.Text.Json;
using Trellis.Samples.Bookinfo.Hosting;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.Services;

public sealed class ReviewsServiceTests
{
    private const string RatingsJson = """{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}""";

    private static Task<RunningService> StartReviewsAsync(string version, Uri ratings, params KeyValuePair<string, string>[] extra)
    {
        var env = new Dictionary<string, string>(RunningService.Backend("RATINGS", ratings)) { ["SERVICE_VERSION"] = version };
        foreach (var (key, value) in extra) env[key] = value;
        return RunningService.StartAsync(BookinfoService.Reviews, env);
    }

    [Fact]
    public async Task V1_answers_istios_shape_without_ratings_and_never_calls_ratings()
    {
        await using var ratings = await RecordingBackend.StartAsync(200, RatingsJson);
        await using var reviews = await StartReviewsAsync("v1", ratings.Url, new KeyValuePair<string, string>("POD_NAME", "reviews-v1-abc"));
        var json = await reviews.Client.GetStringAsync("reviews/0");
        Assert.Equal("""{"id":"0","podname":"reviews-v1-abc","clustername":"null","reviews":[{"reviewer":"Reviewer1","text":"An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"},{"reviewer":"Reviewer2","text":"Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare."}]}""", json);
        Assert.Empty(ratings.Requests);
    }

    [Theory]
    [InlineData("v2", "black")]
    [InlineData("v3", "red")]
    public async Task V2_and_v3_show_the_stars_from_the_real_ratings_service_in_their_color(string version, string color)
    {
        await using var ratings = await RunningService.StartAsync(BookinfoService.Ratings);
        await using var reviews = await StartReviewsAsync(version, ratings.Url);
        using var doc = JsonDocument.Parse(await reviews.Client.GetStringAsync("reviews/0"));
        var list = doc.RootElement.GetProperty("reviews");
        Assert.Equal(5, list[0].GetProperty("rating").GetProperty("stars").GetInt32());
        Assert.Equal(4, list[1].GetProperty("rating").GetProperty("stars").GetInt32());
        Assert.All(list.EnumerateArray(), r => Assert.Equal(color, r.GetProperty("rating").GetProperty("color").GetString()));
    }

    [Fact]
    public async Task When_ratings_is_down_each_review_says_ratings_is_unavailable()
    {
        await using var reviews = await StartReviewsAsync("v2", new Uri($"http://127.0.0.1:{Ports.Closed()}/"));
        var json = await reviews.Client.GetStringAsync("reviews/0");
        Assert.Contains("""{"reviewer":"Reviewer1","text":"An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!","rating":{"error":"Ratings service is currently unavailable"}}""", json);
        Assert.Contains("""{"reviewer":"Reviewer2","text":"Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.","rating":{"error":"Ratings service is currently unavailable"}}""", json);
    }

    [Fact]
    public async Task A_failing_ratings_answer_is_shown_as_unavailable_too()
    {
        await using var ratings = await RecordingBackend.StartAsync(503, """{"error":"Service unavailable"}""");
        await using var reviews = await StartReviewsAsync("v3", ratings.Url);
        var json = await reviews.Client.GetStringAsync("reviews/0");
        Assert.Equal(2, json.Split("Ratings service is currently unavailable").Length - 1);
        Assert.DoesNotContain("\"stars\"", json);
    }

    [Fact]
    public async Task Reviews_asks_ratings_for_the_same_product_and_forwards_the_trace_and_user_headers()
    {
        await using var ratings = await RecordingBackend.StartAsync(200, RatingsJson);
        await using var reviews = await StartReviewsAsync("v2", ratings.Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, "reviews/42");
        var sent = new Dictionary<string, string>
        {
            ["x-request-id"] = "req-1",
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["tracestate"] = "congo=t61rcWkgMzE",
            ["b3"] = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
            ["x-b3-traceid"] = "80f198ee56343ba864fe8b2a57d3eff7",
            ["x-b3-spanid"] = "e457b5a2e4d86bd1",
            ["x-b3-parentspanid"] = "05e3ac9a4f6e3b90",
            ["x-b3-sampled"] = "1",
            ["end-user"] = "jason",
            ["user-agent"] = "bookinfo-test/1.0",
            ["authorization"] = "Bearer abc",
        };
        foreach (var (name, value) in sent) request.Headers.TryAddWithoutValidation(name, value);
        request.Headers.TryAddWithoutValidation("x-not-propagated", "nope");
        using var response = await reviews.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var call = Assert.Single(ratings.Requests);
        Assert.Equal("/ratings/42", call.Path);
        foreach (var (name, value) in sent) Assert.Equal(value, call.Headers.GetValueOrDefault(name));
        Assert.False(call.Headers.ContainsKey("x-not-propagated"));
    }

    [Fact]
    public async Task Reviews_adds_no_trace_context_of_its_own()
    {
        await using var ratings = await RecordingBackend.StartAsync(200, RatingsJson);
        await using var reviews = await StartReviewsAsync("v3", ratings.Url);
        (await reviews.Client.GetAsync("reviews/0")).Dispose();
        var call = Assert.Single(ratings.Requests);
        Assert.DoesNotContain(call.Headers.Keys, name => name is "traceparent" or "tracestate" or "b3" or "request-id" || name.StartsWith("x-b3-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_reports_reviews_is_healthy()
    {
        await using var reviews = await StartReviewsAsync("v1", new Uri("http://127.0.0.1:1/"));
        Assert.Equal("""{"status":"Reviews is healthy"}""", await reviews.Client.GetStringAsync("health"));
    }

    [Fact]
    public async Task An_unknown_reviews_version_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => StartReviewsAsync("v4", new Uri("http://127.0.0.1:1/")));
        Assert.Contains("v1, v2 or v3", error.Message);
    }
}
