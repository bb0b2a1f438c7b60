using System.Globalization;
using System.Text.Json;
using Trellis.Samples.Bookinfo.Hosting;
using Trellis.Samples.Bookinfo.Http;

namespace Trellis.Samples.Bookinfo.Reviews;

/// <summary>The reviews service: two fixed reviews, with stars from ratings in v2 (black) and v3 (red).</summary>
internal static class ReviewsEndpoints
{
    private static readonly (string Reviewer, string Text)[] Texts =
    [
        ("Reviewer1", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"),
        ("Reviewer2", "Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare."),
    ];

    public static void Map(WebApplication app, BookinfoSettings settings, BackendClient backends)
    {
        var version = ReviewsVersion.Parse(settings.ServiceVersion);

        app.MapGet("/health", () => Results.Json(new { status = "Reviews is healthy" }));

        app.MapGet("/reviews/{id}", async (string id, HttpRequest request, CancellationToken cancel) =>
        {
            if (!ProductId.TryParse(id, out var productId)) return ProductId.Invalid("please provide numeric product ID");
            IReadOnlyDictionary<string, int>? stars = null;
            if (version.RatingsEnabled)
            {
                var url = new Uri(settings.RatingsUrl, $"ratings/{productId.ToString(CultureInfo.InvariantCulture)}");
                var reply = await backends.GetJsonAsync(url, HeaderPropagation.From(request.Headers), version.RatingsTimeout, cancel);
                if (!reply.IsOk)
                    app.Logger.LogWarning("ratings unavailable: {Reason}", reply.Failure ?? $"status {reply.StatusCode}");
                stars = reply.IsOk ? StarsByReviewer(reply.Json!.Value) : new Dictionary<string, int>();
            }
            var reviews = Texts.Select(t => new Review(t.Reviewer, t.Text, stars is null ? null
                : stars.TryGetValue(t.Reviewer, out var n) ? ReviewRating.Starred(n, version.StarColor) : ReviewRating.Failed()));
            return Results.Json(new ReviewsAnswer(productId.ToString(CultureInfo.InvariantCulture), settings.PodName, settings.ClusterName, [.. reviews]));
        });
    }

    /// <summary>Reads <c>ratings.{reviewer}</c> integers from a ratings answer, skipping anything malformed.</summary>
    private static Dictionary<string, int> StarsByReviewer(JsonElement answer)
    {
        var stars = new Dictionary<string, int>();
        if (answer.ValueKind != JsonValueKind.Object
            || !answer.TryGetProperty("ratings", out var ratings)
            || ratings.ValueKind != JsonValueKind.Object) return stars;
        foreach (var (reviewer, _) in Texts)
        {
            if (ratings.TryGetProperty(reviewer, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n))
                stars[reviewer] = n;
        }
        return stars;
    }
}
