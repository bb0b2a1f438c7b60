namespace Trellis.Samples.Bookinfo.ProductPage;

/// <summary>The error messages Istio's productpage gives, in its API answers and on the page.</summary>
internal static class ProductPageErrors
{
    public const string Details = "Sorry, product details are currently unavailable for this book.";
    public const string Reviews = "Sorry, product reviews are currently unavailable for this book.";
    public const string Ratings = "Sorry, product ratings are currently unavailable for this book.";
}
