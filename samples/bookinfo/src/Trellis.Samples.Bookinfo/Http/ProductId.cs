using System.Globalization;

namespace Trellis.Samples.Bookinfo.Http;

/// <summary>Parses the numeric product id in Bookinfo's URLs; anything else is a client error, as in Istio.</summary>
internal static class ProductId
{
    public static bool TryParse(string? text, out int id) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id);

    public static IResult Invalid(string message) => Results.Json(new { error = message }, statusCode: StatusCodes.Status400BadRequest);
}
