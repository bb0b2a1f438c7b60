using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.Admin;

/// <summary>Guards the admin endpoints that change the proxy: they need the pod's own token as
/// <c>Authorization: Bearer</c>. The read-only endpoints stay open on loopback, as Envoy's are.</summary>
internal sealed class AdminToken(string? token)
{
    private readonly byte[]? _expected = token is null ? null : Encoding.UTF8.GetBytes(token);

    /// <summary>The endpoint behind the token: without it the caller gets 401 (403 when the proxy has no token at all).</summary>
    public RequestDelegate Guard(RequestDelegate next) => context =>
    {
        if (_expected is null)
            return Results.Text("forbidden: this proxy was started without an admin token, so its mutating admin endpoints are disabled\n", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
        if (IsPresented(context.Request)) return next(context);
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"trellis-admin\"";
        return Results.Text("unauthorized: this admin endpoint needs the pod's admin token (Authorization: Bearer)\n", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
    };

    /// <summary>Compares in constant time, so the answer's timing tells nothing about the token.</summary>
    private bool IsPresented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), _expected);
    }
}
