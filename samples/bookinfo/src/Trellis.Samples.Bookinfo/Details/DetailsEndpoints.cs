using Trellis.Samples.Bookinfo.Http;

namespace Trellis.Samples.Bookinfo.Details;

/// <summary>The details service: book facts by product id.</summary>
internal static class DetailsEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/health", () => Results.Json(new { status = "Details is healthy" }));
        app.MapGet("/details/{id}", (string id) => ProductId.TryParse(id, out var productId)
            ? Results.Json(BookDetails.For(productId))
            : ProductId.Invalid("please provide numeric product id"));
    }
}
