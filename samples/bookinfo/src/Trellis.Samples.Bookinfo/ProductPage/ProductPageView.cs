using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trellis.Samples.Bookinfo.Http;

namespace Trellis.Samples.Bookinfo.ProductPage;

/// <summary>Renders the product page: the book, its details and its reviews with ★/☆ stars in the review's color.
/// Everything that came from a backend is HTML-encoded.</summary>
internal static class ProductPageView
{
    public const string DetailsError = "Error fetching product details!";
    public const string ReviewsError = "Error fetching product reviews!";
    private const char FullStar = '\u2605';
    private const char EmptyStar = '\u2606';
    private static readonly (string Label, string Field)[] DetailFields =
        [("Type", "type"), ("Pages", "pages"), ("Publisher", "publisher"), ("Language", "language"), ("ISBN-10", "ISBN-10"), ("ISBN-13", "ISBN-13")];

    public static string Render(Product product, BackendReply details, BackendReply reviews, string? user)
    {
        var html = new StringBuilder(4096);
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1.0">
            <title>Simple Bookstore App</title>
            <link rel="stylesheet" href="static/bookinfo.css">
            </head>
            <body>
            <nav class="bar"><span class="brand">BookInfo Sample</span>
            """);
        AppendUser(html, user);
        html.Append("</nav>\n<main>\n");
        html.Append("<h3>").Append(Encode(product.Title)).Append("</h3>\n");
        html.Append("<p>Summary: ").Append(product.DescriptionHtml).Append("</p>\n");
        html.Append("<div class=\"columns\">\n<section class=\"details\">\n");
        AppendDetails(html, details);
        html.Append("</section>\n<section class=\"reviews\">\n");
        AppendReviews(html, reviews);
        html.Append("</section>\n</div>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendUser(StringBuilder html, string? user)
    {
        if (user is not null)
        {
            html.Append("<span class=\"user\">").Append(Encode(user)).Append(" ( <a href=\"logout\">sign out</a> )</span>\n");
            return;
        }
        html.Append("""
            <form class="login" method="post" action="login" name="login_form">
            <input type="text" name="username" id="username" placeholder="User Name">
            <input type="password" name="passwd" placeholder="Password">
            <button type="submit">Sign in</button>
            </form>

            """);
    }

    private static void AppendDetails(StringBuilder html, BackendReply details)
    {
        if (!details.IsOk)
        {
            html.Append("<h4>").Append(DetailsError).Append("</h4>\n");
            html.Append("<p>").Append(Encode(ProductPageErrors.Details)).Append("</p>\n");
            return;
        }
        html.Append("<h4>Book Details</h4>\n<dl>\n");
        foreach (var (label, field) in DetailFields)
            html.Append("<dt>").Append(label).Append(":</dt><dd>").Append(Encode(Text(details.Json!.Value, field))).Append("</dd>\n");
        html.Append("</dl>\n");
    }

    private static void AppendReviews(StringBuilder html, BackendReply reviews)
    {
        if (!reviews.IsOk || !reviews.Json!.Value.TryGetProperty("reviews", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            html.Append("<h4>").Append(ReviewsError).Append("</h4>\n");
            html.Append("<p>").Append(Encode(ProductPageErrors.Reviews)).Append("</p>\n");
            return;
        }
        html.Append("<h4>Book Reviews</h4>\n");
        foreach (var review in list.EnumerateArray())
        {
            if (review.ValueKind != JsonValueKind.Object) continue;
            html.Append("<blockquote>\n<p>").Append(Encode(Text(review, "text"))).Append("</p>\n");
            html.Append("<small>").Append(Encode(Text(review, "reviewer"))).Append("</small>\n");
            if (review.TryGetProperty("rating", out var rating) && rating.ValueKind == JsonValueKind.Object)
                AppendRating(html, rating);
            html.Append("</blockquote>\n");
        }
        var pod = Text(reviews.Json!.Value, "podname");
        if (pod.Length > 0) html.Append("<p class=\"served-by\">Reviews served by: ").Append(Encode(pod)).Append("</p>\n");
    }

    private static void AppendRating(StringBuilder html, JsonElement rating)
    {
        if (rating.TryGetProperty("stars", out var starsElement) && starsElement.ValueKind == JsonValueKind.Number
            && starsElement.TryGetInt32(out var stars))
        {
            stars = Math.Clamp(stars, 0, 5);
            var color = Text(rating, "color") is { Length: > 0 } c ? c : "black";
            html.Append("<font color=\"").Append(Encode(color)).Append("\">")
                .Append(FullStar, stars).Append(EmptyStar, 5 - stars).Append("</font>\n");
        }
        else if (Text(rating, "error") is { Length: > 0 } error)
        {
            html.Append("<p><i>").Append(Encode(error)).Append("</i></p>\n");
        }
    }

    /// <summary>A field as display text: strings as they are, numbers as written, anything else empty.</summary>
    private static string Text(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Number => value.GetRawText(),
                _ => "",
            }
            : "";

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
