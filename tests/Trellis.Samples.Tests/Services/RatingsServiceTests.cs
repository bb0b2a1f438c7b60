using System.Net;
using System.Text;
using Trellis.Samples.Bookinfo.Hosting;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.Services;

public sealed class RatingsServiceTests
{
    [Fact]
    public async Task Ratings_give_reviewer1_five_stars_and_reviewer2_four()
    {
        await using var ratings = await RunningService.StartAsync(BookinfoService.Ratings);
        Assert.Equal("""{"id":3,"ratings":{"Reviewer1":5,"Reviewer2":4}}""", await ratings.Client.GetStringAsync("ratings/3"));
    }

    [Fact]
    public async Task Posted_ratings_replace_the_defaults_for_that_product_only()
    {
        await using var ratings = await RunningService.StartAsync(BookinfoService.Ratings);
        using var post = await ratings.Client.PostAsync("ratings/1", new StringContent("""{"Reviewer1":1,"Reviewer2":2}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("""{"id":1,"ratings":{"Reviewer1":1,"Reviewer2":2}}""", await ratings.Client.GetStringAsync("ratings/1"));
        Assert.Equal("""{"id":2,"ratings":{"Reviewer1":5,"Reviewer2":4}}""", await ratings.Client.GetStringAsync("ratings/2"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""["Reviewer1", 5]""")]
    [InlineData("""{"Reviewer1":"five"}""")]
    public async Task Malformed_posted_ratings_are_rejected(string body)
    {
        await using var ratings = await RunningService.StartAsync(BookinfoService.Ratings);
        using var post = await ratings.Client.PostAsync("ratings/1", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("please provide valid ratings JSON", await post.Content.ReadAsStringAsync());
        Assert.Equal("""{"id":1,"ratings":{"Reviewer1":5,"Reviewer2":4}}""", await ratings.Client.GetStringAsync("ratings/1"));
    }

    [Fact]
    public async Task An_oversized_post_is_rejected_without_being_stored()
    {
        await using var ratings = await RunningService.StartAsync(BookinfoService.Ratings);
        var huge = "{" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"r{i}\":1")) + "}";
        using var post = await ratings.Client.PostAsync("ratings/1", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }

    [Fact]
    public async Task A_non_numeric_id_is_a_client_error()
    {
        await using var ratings = await RunningService.StartAsync(BookinfoService.Ratings);
        using var response = await ratings.Client.GetAsync("ratings/x");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Health_reports_ratings_is_healthy()
    {
        await using var ratings = await RunningService.StartAsync(BookinfoService.Ratings);
        Assert.Equal("""{"status":"Ratings is healthy"}""", await ratings.Client.GetStringAsync("health"));
    }

    [Fact]
    public async Task An_unknown_ratings_version_is_refused_with_the_accepted_ones()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            RunningService.StartAsync(BookinfoService.Ratings, new Dictionary<string, string> { ["SERVICE_VERSION"] = "v9" }));
        Assert.Contains("v-faulty", error.Message);
    }
}
