using System.Net;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.Services;

/// <summary>Sign-in and sign-out: the name travels to backends as <c>end-user</c>, which Istio's jason routing matches.</summary>
public sealed class ProductPageSessionTests
{
    private const string DetailsJson = """{"id":0,"type":"paperback"}""";
    private const string ReviewsJson = """{"id":"0","podname":"p","clustername":"null","reviews":[]}""";

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string name, string? referer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "login") { Content = new FormUrlEncodedContent([new("username", name), new("passwd", "")]) };
        if (referer is not null) request.Headers.Referrer = new Uri(referer);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Signing_in_sets_the_user_cookie_and_returns_to_the_product_page()
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        using var response = await SignInAsync(page.Client, "jason");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/productpage", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("user=jason;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signed_in_user_is_sent_to_details_and_reviews_as_end_user()
    {
        await using var details = await RecordingBackend.StartAsync(200, DetailsJson);
        await using var reviews = await RecordingBackend.StartAsync(200, ReviewsJson);
        await using var page = await ProductPageFixture.StartAsync(details.Url, reviews.Url);
        var cookie = (await SignInAsync(page.Client, "jason")).Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, "productpage");
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("end-user", "mallory");
        using var response = await page.Client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("jason ( <a href=\"logout\">sign out</a> )", html);
        Assert.Equal("jason", Assert.Single(details.Requests).Headers["end-user"]);
        Assert.Equal("jason", Assert.Single(reviews.Requests).Headers["end-user"]);
        Assert.Equal("user=jason", reviews.Requests[0].Headers["cookie"]);
    }

    [Fact]
    public async Task Without_a_session_a_forwarded_end_user_is_propagated_as_is()
    {
        await using var details = await RecordingBackend.StartAsync(200, DetailsJson);
        await using var reviews = await RecordingBackend.StartAsync(200, ReviewsJson);
        await using var page = await ProductPageFixture.StartAsync(details.Url, reviews.Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, "productpage");
        request.Headers.Add("end-user", "jason");
        (await page.Client.SendAsync(request)).Dispose();
        Assert.Equal("jason", Assert.Single(reviews.Requests).Headers["end-user"]);
    }

    [Fact]
    public async Task Signing_out_clears_the_cookie_and_returns_to_the_referring_page()
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "logout");
        request.Headers.Add("Cookie", "user=jason");
        request.Headers.Referrer = new Uri(page.Url, "productpage?u=1");
        using var response = await page.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/productpage?u=1", response.Headers.Location?.OriginalString);
        var cleared = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("user=;", cleared);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared);
    }

    [Fact]
    public async Task A_referer_on_another_site_is_not_followed()
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        using var response = await SignInAsync(page.Client, "jason", referer: "http://evil.example/phish");
        Assert.Equal("/productpage", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("")]
    [InlineData("jason;admin=1")]
    [InlineData("has space")]
    [InlineData("jäson")]
    public async Task Unusable_user_names_are_refused(string name)
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        using var response = await SignInAsync(page.Client, name);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task An_oversized_sign_in_form_is_refused()
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        using var response = await SignInAsync(page.Client, new string('a', 10_000));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_login_page_has_a_form_posting_the_username()
    {
        await using var page = await ProductPageFixture.StartAsync(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:1/"));
        var html = await page.Client.GetStringAsync("login");
        Assert.Contains("<form method=\"post\" action=\"login\"", html);
        Assert.Contains("name=\"username\"", html);
    }
}
