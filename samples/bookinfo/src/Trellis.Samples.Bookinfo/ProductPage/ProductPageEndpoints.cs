using Microsoft.AspNetCore.Http.Features;
using Trellis.Samples.Bookinfo.Http;

namespace Trellis.Samples.Bookinfo.ProductPage;

/// <summary>The productpage service: the HTML page, the JSON API, sign-in and sign-out.</summary>
internal static class ProductPageEndpoints
{
    private const int MaxLoginBytes = 4096;

    public static void Map(WebApplication app, ProductBackends backends)
    {
        app.MapGet("/health", () => Results.Text("Product page is healthy"));
        app.MapGet("/", () => Results.Redirect("/productpage"));
        app.MapGet("/static/bookinfo.css", () => Results.Text(StyleSheet.Text, "text/css; charset=utf-8"));

        app.MapGet("/productpage", async (HttpRequest request, CancellationToken cancel) =>
        {
            var product = Product.Catalog[0];
            var user = SignedInUser.Read(request);
            var headers = Forwarded(request, user);
            var details = backends.DetailsAsync(product.Id, headers, cancel);
            var reviews = backends.ReviewsAsync(product.Id, headers, cancel);
            var html = ProductPageView.Render(product, await details, await reviews, user);
            return Results.Text(html, "text/html; charset=utf-8");
        });

        app.MapGet("/api/v1/products", () => Results.Json(Product.Catalog));
        app.MapGet("/api/v1/products/{id}", (string id, HttpRequest request, CancellationToken cancel) =>
            ApiAsync(id, request, ProductPageErrors.Details, (n, h) => backends.DetailsAsync(n, h, cancel)));
        app.MapGet("/api/v1/products/{id}/reviews", (string id, HttpRequest request, CancellationToken cancel) =>
            ApiAsync(id, request, ProductPageErrors.Reviews, (n, h) => backends.ReviewsAsync(n, h, cancel)));
        app.MapGet("/api/v1/products/{id}/ratings", (string id, HttpRequest request, CancellationToken cancel) =>
            ApiAsync(id, request, ProductPageErrors.Ratings, (n, h) => backends.RatingsAsync(n, h, cancel)));

        app.MapGet("/login", () => Results.Text(LoginPage.Html, "text/html; charset=utf-8"));
        app.MapPost("/login", (HttpRequest request) => SignInAsync(request.HttpContext));
        app.MapGet("/logout", (HttpRequest request, HttpResponse response) =>
        {
            SignedInUser.SignOut(response);
            return Results.Redirect(SignedInUser.ReturnPath(request));
        });
    }

    /// <summary>The propagated headers plus <c>end-user</c> for the signed-in user.</summary>
    private static HeaderPropagation Forwarded(HttpRequest request, string? user)
    {
        var headers = HeaderPropagation.From(request.Headers);
        return user is null ? headers : headers.WithEndUser(user);
    }

    private static async Task<IResult> ApiAsync(string id, HttpRequest request, string error, Func<int, HeaderPropagation, Task<BackendReply>> call)
    {
        if (!ProductId.TryParse(id, out var productId)) return ProductId.Invalid("please provide numeric product id");
        var reply = await call(productId, Forwarded(request, SignedInUser.Read(request)));
        return reply.IsOk ? Results.Json(reply.Json) : Results.Json(new { error }, statusCode: reply.FailureStatus);
    }

    private static async Task<IResult> SignInAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxLoginBytes;
        if (!context.Request.HasFormContentType)
            return Results.Text("sign-in expects a form with a username field", statusCode: StatusCodes.Status415UnsupportedMediaType);
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
        {
            return Results.Text($"sign-in form rejected: {e.Message}", statusCode: StatusCodes.Status400BadRequest);
        }
        var name = form["username"].ToString();
        if (!SignedInUser.IsValid(name))
            return Results.Text($"user name must be 1 to {SignedInUser.MaxLength} visible ASCII characters without ; , \" or \\",
                statusCode: StatusCodes.Status400BadRequest);
        SignedInUser.SignIn(context.Response, name);
        return Results.Redirect(SignedInUser.ReturnPath(context.Request));
    }
}
