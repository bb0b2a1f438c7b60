using System.Net;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.Services;

public sealed class ProductPageTests
{
    private const string DetailsJson = """{"id":0,"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,"publisher":"PublisherA","language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}""";
    private const string ReviewsJson = """{"id":"0","podname":"reviews-v1-0","clustername":"null","reviews":[{"reviewer":"Reviewer1","text":"Fine"},{"reviewer":"Reviewer2","text":"<script>alert(1)</script>"}]}""";

    [Fact]
    public async Task The_page_shows_the_book_its_details_and_v3s_red_stars()
    {
        await using var chain = await ProductPageFixture.Chain.StartAsync("v3");
        using var response = await chain.ProductPage.Client.GetAsync("productpage");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Simple Bookstore App</title>", html);
        Assert.Contains("The Comedy of Errors", html);
        Assert.Contains("<b>William Shakespeare's</b> early plays", html);
        Assert.Contains("<dt>Type:</dt><dd>paperback</dd>", html);
        Assert.Contains("<dt>ISBN-10:</dt><dd>1234567890</dd>", html);
        Assert.Contains("An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!", html);
        Assert.Contains("<font color=\"red\">★★★★★</font>", html);
        Assert.Contains("<font color=\"red\">★★★★☆</font>", html);
        Assert.Contains("Reviews served by: reviews-v3-0", html);
    }

    [Fact]
    public async Task V2_stars_are_black_and_no_star_is_red()
    {
        await using var chain = await ProductPageFixture.Chain.StartAsync("v2");
        var html = await chain.ProductPage.Client.GetStringAsync("productpage");
        Assert.Contains("<font color=\"black\">★★★★★</font>", html);
        Assert.Contains("<font color=\"black\">★★★★☆</font>", html);
        // Scrapers tell v3 apart by color="red"; the bare word "red" is no signal ("compared" is in Istio's review text).
        Assert.DoesNotContain("color=\"red\"", html);
    }

    [Fact]
    public async Task V1_reviews_have_no_stars_at_all()
    {
        await using var chain = await ProductPageFixture.Chain.StartAsync("v1");
        var html = await chain.ProductPage.Client.GetStringAsync("productpage");
        Assert.Contains("Book Reviews", html);
        Assert.DoesNotContain("★", html);
        Assert.DoesNotContain("☆", html);
        Assert.DoesNotContain("<font", html);
    }

    [Fact]
    public async Task When_ratings_is_down_the_page_says_ratings_is_unavailable()
    {
        await using var chain = await ProductPageFixture.Chain.StartAsync("v2", ratingsUp: false);
        var html = await chain.ProductPage.Client.GetStringAsync("productpage");
        Assert.Contains("<p><i>Ratings service is currently unavailable</i></p>", html);
        Assert.DoesNotContain("★", html);
    }

    [Fact]
    public async Task When_reviews_fails_twice_the_page_still_renders_with_istios_apology()
    {
        await using var details = await RecordingBackend.StartAsync(200, DetailsJson);
        await using var reviews = await RecordingBackend.StartAsync(503, """{"error":"no"}""");
        await using var page = await ProductPageFixture.StartAsync(details.Url, reviews.Url);
        using var response = await page.Client.GetAsync("productpage");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Error fetching product reviews!", html);
        Assert.Contains("Sorry, product reviews are currently unavailable for this book.", html);
        Assert.Contains("<dd>paperback</dd>", html);
        // Istio's productpage retries reviews once on purpose; its fault-injection task depends on it.
        Assert.Equal(2, reviews.Requests.Count);
    }

    [Fact]
    public async Task When_details_is_down_the_page_says_so()
    {
        await using var reviews = await RecordingBackend.StartAsync(200, ReviewsJson);
        await using var page = await ProductPageFixture.StartAsync(new Uri($"http://127.0.0.1:{Ports.Closed()}/"), reviews.Url);
        var html = await page.Client.GetStringAsync("productpage");
        Assert.Contains("Error fetching product details!", html);
        Assert.Contains("Sorry, product details are currently unavailable for this book.", html);
        Assert.Contains("Book Reviews", html);
    }

    [Fact]
    public async Task A_details_backend_slower_than_three_seconds_is_abandoned()
    {
        await using var details = await RecordingBackend.StartAsync(200, DetailsJson, delay: TimeSpan.FromSeconds(10));
        await using var reviews = await RecordingBackend.StartAsync(200, ReviewsJson);
        await using var page = await ProductPageFixture.StartAsync(details.Url, reviews.Url);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var html = await page.Client.GetStringAsync("productpage");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(6));
        Assert.Contains("Error fetching product details!", html);
    }

    [Fact]
    public async Task Backend_text_is_html_encoded()
    {
        await using var details = await RecordingBackend.StartAsync(200, DetailsJson);
        await using var reviews = await RecordingBackend.StartAsync(200, ReviewsJson);
        await using var page = await ProductPageFixture.StartAsync(details.Url, reviews.Url);
        var html = await page.Client.GetStringAsync("productpage");
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public async Task Trace_headers_reach_details_and_reviews()
    {
        await using var details = await RecordingBackend.StartAsync(200, DetailsJson);
        await using var reviews = await RecordingBackend.StartAsync(200, ReviewsJson);
        await using var page = await ProductPageFixture.StartAsync(details.Url, reviews.Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, "productpage");
        request.Headers.TryAddWithoutValidation("x-request-id", "7c5d9e1a-req");
        request.Headers.TryAddWithoutValidation("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        request.Headers.TryAddWithoutValidation("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
        request.Headers.TryAddWithoutValidation("x-b3-traceid", "4bf92f3577b34da6a3ce929d0e0e4736");
        request.Headers.TryAddWithoutValidation("x-b3-sampled", "1");
        (await page.Client.SendAsync(request)).Dispose();

        foreach (var backend in new[] { details, reviews })
        {
            var call = Assert.Single(backend.Requests);
            Assert.Equal("7c5d9e1a-req", call.Headers["x-request-id"]);
            Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", call.Headers["traceparent"]);
            Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", call.Headers["b3"]);
            Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", call.Headers["x-b3-traceid"]);
            Assert.Equal("1", call.Headers["x-b3-sampled"]);
            Assert.False(call.Headers.ContainsKey("end-user"));
        }
        Assert.Equal("/details/0", details.Requests[0].Path);
        Assert.Equal("/reviews/0", reviews.Requests[0].Path);
    }

    [Fact]
    public async Task Health_says_the_product_page_is_healthy()
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        Assert.Equal("Product page is healthy", await page.Client.GetStringAsync("health"));
    }
}
