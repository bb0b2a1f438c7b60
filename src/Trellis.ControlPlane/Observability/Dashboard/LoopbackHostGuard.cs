using Microsoft.AspNetCore.Http;

namespace Trellis.ControlPlane.Observability.Dashboard;

/// <summary>The dashboard and its read APIs answer only requests addressed to loopback by name or address. A web page
/// elsewhere can make the browser call 127.0.0.1, and with DNS rebinding read the answer under its own host name; that
/// host name is what this refuses.</summary>
internal static class LoopbackHostGuard
{
    public static bool Allows(HttpRequest request)
    {
        var host = request.Host.Host;
        return host is "127.0.0.1" or "localhost" or "[::1]" or "::1";
    }
}
