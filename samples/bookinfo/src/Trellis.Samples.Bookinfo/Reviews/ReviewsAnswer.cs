using System.Text.Json.Serialization;

namespace Trellis.Samples.Bookinfo.Reviews;

/// <summary>The reviews service's answer, shaped like Istio's: the id is a string, and v1 reviews carry no rating.</summary>
internal sealed record ReviewsAnswer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("podname")] string PodName,
    [property: JsonPropertyName("clustername")] string ClusterName,
    [property: JsonPropertyName("reviews")] IReadOnlyList<Review> Reviews);

internal sealed record Review(
    [property: JsonPropertyName("reviewer")] string Reviewer,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("rating"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReviewRating? Rating);

/// <summary>Either stars with their color, or the error shown when ratings could not be fetched.</summary>
internal sealed record ReviewRating(
    [property: JsonPropertyName("stars"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Stars,
    [property: JsonPropertyName("color"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Color,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    public const string Unavailable = "Ratings service is currently unavailable";

    public static ReviewRating Starred(int stars, string color) => new(stars, color, null);

    public static ReviewRating Failed() => new(null, null, Unavailable);
}
