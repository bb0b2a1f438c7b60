namespace Trellis.Samples.Bookinfo.Hosting;

/// <summary>The four Bookinfo microservices; the executable's first argument picks one.</summary>
public enum BookinfoService
{
    ProductPage,
    Details,
    Reviews,
    Ratings,
}

internal static class BookinfoServiceNames
{
    public const string Usage = "usage: bookinfo productpage|details|reviews|ratings";

    public static bool TryParse(string? name, out BookinfoService service)
    {
        switch (name?.ToLowerInvariant())
        {
            case "productpage": service = BookinfoService.ProductPage; return true;
            case "details": service = BookinfoService.Details; return true;
            case "reviews": service = BookinfoService.Reviews; return true;
            case "ratings": service = BookinfoService.Ratings; return true;
            default: service = default; return false;
        }
    }

    public static string Name(this BookinfoService service) => service.ToString().ToLowerInvariant();
}
