using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Trellis.Config.Semantics;

/// <summary>Parses an address or CIDR range as Go's netip does for Istio: dotted quads only for IPv4, no zones,
/// a prefix length within the family. A bare address is a full-length range.</summary>
public static class IpBlocks
{
    public static bool TryParse(string value, out IPAddress address, out int prefixLength)
    {
        address = IPAddress.None;
        prefixLength = 0;
        var slash = value.IndexOf('/');
        var addressText = slash < 0 ? value : value[..slash];
        if (addressText.Contains('%') || !IPAddress.TryParse(addressText, out var parsed)) return false;
        if (parsed.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3) return false;
        var max = parsed.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0) prefixLength = max;
        else if (!int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) || prefixLength > max) return false;
        address = parsed;
        return true;
    }
}
