using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Trellis.ControlPlane.Api;

/// <summary>Guards the calls that change or reveal stored configuration: they need the mesh's admin credential
/// as <c>Authorization: Bearer</c> (RFC 6750). It runs after routing and before the endpoint, so a request
/// without it is answered 401 before its body is read, let alone parsed.</summary>
internal sealed class AdminCredential(string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    /// <summary>Endpoint metadata marking a call as needing the credential.</summary>
    public sealed class Required;

    /// <summary>Adds the check to the pipeline; endpoints without <see cref="Required"/> pass untouched.</summary>
    public void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Required>() is null || IsPresented(context.Request))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"trellis\"";
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "this call needs the mesh's admin credential (Authorization: Bearer, from the admin-token file in the mesh home); nothing was changed")
            .ExecuteAsync(context);
    });

    /// <summary>Compares in constant time, so the answer's timing tells nothing about the token.</summary>
    private bool IsPresented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _expected);
    }
}
