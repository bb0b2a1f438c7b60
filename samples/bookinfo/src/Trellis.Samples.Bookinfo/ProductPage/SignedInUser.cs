using Microsoft.AspNetCore.Http;

namespace Trellis.Samples.Bookinfo.ProductPage;

/// <summary>The demo sign-in: like Istio's productpage there is no password check; the name is kept in a <c>user</c>
/// cookie and sent to backends as <c>end-user</c>, which is what routing rules such as "jason → reviews v2" match.</summary>
internal static class SignedInUser
{
    public const string CookieName = "user";
    public const int MaxLength = 64;

    /// <summary>The signed-in user's name, or null when there is none or the cookie holds an unusable value.</summary>
    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var value) && IsValid(value) ? value : null;

    /// <summary>A name must be usable verbatim as a header and cookie value: 1–64 visible ASCII characters, no separators.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength
        && name.All(c => c is > ' ' and < '\u007f' and not ';' and not ',' and not '"' and not '\\');

    public static void SignIn(HttpResponse response, string name) =>
        response.Cookies.Append(CookieName, name, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax });

    public static void SignOut(HttpResponse response) =>
        response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });

    /// <summary>Where to go after signing in or out: back to the local page the form was on, else the product page.</summary>
    public static string ReturnPath(HttpRequest request)
    {
        var referer = request.Headers.Referer.ToString();
        if (Uri.TryCreate(referer, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            && string.Equals(url.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && url.AbsolutePath is not "/login" and not "/logout")
            return url.PathAndQuery;
        return "/productpage";
    }
}
