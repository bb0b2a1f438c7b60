using System.Net;
using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.Authorization;

/// <summary>The original client of a request as Envoy's HCM determines it from x-forwarded-for: with
/// use_remote_address the connection's peer counts as the last hop; xff_num_trusted_hops skips that many trusted
/// addresses from the right. When the header cannot say (too few or malformed entries), the peer is the client.</summary>
internal static class ForwardedFor
{
    public static IPAddress? ClientAddress(HttpRequest request, IPAddress? peer, bool useRemoteAddress, uint trustedHops)
    {
        if (useRemoteAddress && trustedHops == 0) return peer;
        var values = request.Headers["x-forwarded-for"];
        if (values.Count == 0) return peer;
        var entries = string.Join(',', values.ToArray()).Split(',', StringSplitOptions.TrimEntries);
        // Counted from the right: with use_remote_address the peer itself is hop 0 and the header starts at hop 1.
        var index = entries.Length - 1 - (int)Math.Min(trustedHops - (useRemoteAddress ? 1u : 0u), int.MaxValue);
        if (index < 0 || !IPAddress.TryParse(entries[index], out var address)) return peer;
        return AuthorizationInput.Plain(address);
    }
}
