using System.Globalization;
using Trellis.Samples.Bookinfo.Hosting;
using Trellis.Samples.Bookinfo.Http;

namespace Trellis.Samples.Bookinfo.ProductPage;

/// <summary>productpage's calls to details, reviews and ratings, with Istio's 3-second timeouts.</summary>
internal sealed class ProductBackends(BookinfoSettings settings, BackendClient client)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public Task<BackendReply> DetailsAsync(int productId, HeaderPropagation headers, CancellationToken cancel) =>
        client.GetJsonAsync(Url(settings.DetailsUrl, "details", productId), headers, Timeout, cancel);

    /// <summary>Tries reviews twice before giving up, as Istio's productpage deliberately does: its fault-injection
    /// task relies on the doubled wait.</summary>
    public async Task<BackendReply> ReviewsAsync(int productId, HeaderPropagation headers, CancellationToken cancel)
    {
        var url = Url(settings.ReviewsUrl, "reviews", productId);
        var reply = await client.GetJsonAsync(url, headers, Timeout, cancel);
        return reply.IsOk ? reply : await client.GetJsonAsync(url, headers, Timeout, cancel);
    }

    public Task<BackendReply> RatingsAsync(int productId, HeaderPropagation headers, CancellationToken cancel) =>
        client.GetJsonAsync(Url(settings.RatingsUrl, "ratings", productId), headers, Timeout, cancel);

    private static Uri Url(Uri service, string endpoint, int productId) =>
        new(service, $"{endpoint}/{productId.ToString(CultureInfo.InvariantCulture)}");
}
