using System.Net;
using System.Text.Json;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.Services;

public sealed class ProductApiTests
{
    [Fact]
    public async Task The_product_list_has_the_one_book()
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        using var doc = JsonDocument.Parse(await page.Client.GetStringAsync("api/v1/products"));
        var product = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal(0, product.GetProperty("id").GetInt32());
        Assert.Equal("The Comedy of Errors", product.GetProperty("title").GetString());
        Assert.StartsWith("<a href=\"https://en.wikipedia.org/wiki/The_Comedy_of_Errors\">", product.GetProperty("descriptionHtml").GetString());
    }

    [Fact]
    public async Task Product_details_reviews_and_ratings_come_from_the_backends()
    {
        await using var chain = await ProductPageFixture.Chain.StartAsync("v2");
        var client = chain.ProductPage.Client;
        using var details = JsonDocument.Parse(await client.GetStringAsync("api/v1/products/0"));
        Assert.Equal("PublisherA", details.RootElement.GetProperty("publisher").GetString());
        using var reviews = JsonDocument.Parse(await client.GetStringAsync("api/v1/products/0/reviews"));
        Assert.Equal("black", reviews.RootElement.GetProperty("reviews")[0].GetProperty("rating").GetProperty("color").GetString());
        Assert.Equal("""{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}""", await client.GetStringAsync("api/v1/products/0/ratings"));
    }

    [Fact]
    public async Task A_failing_backend_gives_its_status_and_istios_error()
    {
        await using var reviews = await RecordingBackend.StartAsync(503, """{"error":"x"}""");
        await using var page = await ProductPageFixture.StartAsync(new Uri($"http://127.0.0.1:{Ports.Closed()}/"), reviews.Url);
        using var failedReviews = await page.Client.GetAsync("api/v1/products/0/reviews");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failedReviews.StatusCode);
        Assert.Equal("""{"error":"Sorry, product reviews are currently unavailable for this book."}""", await failedReviews.Content.ReadAsStringAsync());
        using var failedDetails = await page.Client.GetAsync("api/v1/products/0");
        Assert.Equal(HttpStatusCode.InternalServerError, failedDetails.StatusCode);
        using var failedRatings = await page.Client.GetAsync("api/v1/products/0/ratings");
        Assert.Equal("""{"error":"Sorry, product ratings are currently unavailable for this book."}""", await failedRatings.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_non_numeric_product_id_is_a_client_error()
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        using var response = await page.Client.GetAsync("api/v1/products/../../etc");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        using var bad = await page.Client.GetAsync("api/v1/products/abc/reviews");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
