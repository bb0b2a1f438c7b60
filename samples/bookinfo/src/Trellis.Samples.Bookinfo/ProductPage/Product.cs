using System.Text.Json.Serialization;

namespace Trellis.Samples.Bookinfo.ProductPage;

/// <summary>A catalog entry; <see cref="DescriptionHtml"/> is trusted markup written here, never backend data.</summary>
internal sealed record Product(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("descriptionHtml")] string DescriptionHtml)
{
    /// <summary>Bookinfo's whole catalog: one book, as in Istio.</summary>
    public static readonly IReadOnlyList<Product> Catalog =
    [
        new(0, "The Comedy of Errors",
            "<a href=\"https://en.wikipedia.org/wiki/The_Comedy_of_Errors\">Wikipedia Summary</a>: The Comedy of Errors is one of "
            + "<b>William Shakespeare's</b> early plays. It is his shortest and one of his most farcical comedies, with a major "
            + "part of the humour coming from slapstick and mistaken identity, in addition to puns and word play."),
    ];
}
