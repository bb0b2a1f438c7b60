using System.Text.Json.Serialization;

namespace Trellis.Samples.Bookinfo.Details;

/// <summary>The details service's answer, field for field as Istio's (property order is the JSON order).</summary>
internal sealed record BookDetails(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("author")] string Author,
    [property: JsonPropertyName("year")] int Year,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("pages")] int Pages,
    [property: JsonPropertyName("publisher")] string Publisher,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("ISBN-10")] string Isbn10,
    [property: JsonPropertyName("ISBN-13")] string Isbn13)
{
    /// <summary>Every id describes the same book: Bookinfo has one, Shakespeare's The Comedy of Errors.</summary>
    public static BookDetails For(int id) =>
        new(id, "William Shakespeare", 1595, "paperback", 200, "PublisherA", "English", "1234567890", "123-1234567890");
}
