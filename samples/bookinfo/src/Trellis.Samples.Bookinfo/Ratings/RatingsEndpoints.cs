using System.Collections.Immutable;
using System.Text.Json;
using Trellis.Samples.Bookinfo.Http;

namespace Trellis.Samples.Bookinfo.Ratings;

/// <summary>The ratings service: stars per reviewer, with Istio's in-memory POST and its fault-demo versions.</summary>
internal static class RatingsEndpoints
{
    private const int MaxPostBytes = 4096;
    private const int MaxReviewers = 20;

    public static void Map(WebApplication app, RatingsBehaviour behaviour)
    {
        var store = new RatingsStore();

        app.MapGet("/health", () => behaviour.IsHealthy
            ? Results.Json(new { status = "Ratings is healthy" })
            : Results.Json(new { status = "Ratings is not healthy" }, statusCode: StatusCodes.Status500InternalServerError));

        app.MapGet("/ratings/{id}", async (string id, CancellationToken cancel) =>
        {
            if (!ProductId.TryParse(id, out var productId)) return ProductId.Invalid("please provide numeric product ID");
            if (behaviour.ShouldFail()) return ServiceUnavailable();
            var delay = behaviour.DelayBeforeAnswer();
            if (delay > TimeSpan.Zero) await Task.Delay(delay, cancel);
            return Results.Json(store.Get(productId));
        });

        app.MapPost("/ratings/{id}", async (string id, HttpRequest request) =>
        {
            if (!ProductId.TryParse(id, out var productId)) return ProductId.Invalid("please provide numeric product ID");
            var ratings = await ReadRatingsAsync(request);
            if (ratings is null) return ProductId.Invalid("please provide valid ratings JSON");
            return store.TryPut(productId, ratings)
                ? Results.Json(store.Get(productId))
                : Results.Json(new { error = $"at most {RatingsStore.MaxProducts} products can hold added ratings" }, statusCode: StatusCodes.Status507InsufficientStorage);
        });
    }

    private static IResult ServiceUnavailable() =>
        Results.Json(new { error = "Service unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>Reads a small JSON object of reviewer → integer stars; null for anything else.</summary>
    private static async Task<ImmutableSortedDictionary<string, int>?> ReadRatingsAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxPostBytes) return null;
        var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxPostBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            var ratings = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (ratings.Count == MaxReviewers || property.Value.ValueKind != JsonValueKind.Number
                    || !property.Value.TryGetInt32(out var stars)) return null;
                ratings[property.Name] = stars;
            }
            return ratings.ToImmutable();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
