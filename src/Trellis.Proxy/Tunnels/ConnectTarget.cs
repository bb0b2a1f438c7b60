using System.Globalization;
using System.Net;

namespace Trellis.Proxy.Tunnels;

/// <summary>The authority-form target of a CONNECT request ("host:port", RFC 9110 §9.3.6), validated,
/// since it becomes the authority routes match and upstream tunnels are asked for.</summary>
internal sealed record ConnectTarget(string Host, int Port, string Version)
{
    /// <summary>"host:port" as the client wrote it (IPv6 hosts bracketed).</summary>
    public string Authority => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses "CONNECT host:port HTTP/1.x"; null with the reason when it is anything else.</summary>
    public static ConnectTarget? Parse(string requestLine, out string? error)
    {
        error = null;
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0] != "CONNECT")
        {
            error = "the request line is not \"CONNECT host:port HTTP/1.1\"";
            return null;
        }
        if (parts[2] is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            error = $"unsupported HTTP version \"{parts[2]}\" (CONNECT tunnels speak HTTP/1.1)";
            return null;
        }
        var target = parts[1];
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"CONNECT target \"{Shorten(target)}\" is not host:port with a port from 1 to 65535";
            return null;
        }
        var host = target[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = $"CONNECT target \"{Shorten(target)}\" has a malformed IPv6 address";
                return null;
            }
        }
        else if (host.Length > 253 || Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
        {
            error = $"CONNECT target \"{Shorten(target)}\" does not name a host";
            return null;
        }
        return new ConnectTarget(host, port, parts[2]);
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
