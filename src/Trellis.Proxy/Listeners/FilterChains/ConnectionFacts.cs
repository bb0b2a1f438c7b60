using System.Net;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>What filter chain matching looks at: the socket's addresses (none for a connection into an internal
/// listener) and what the listener filters found in its first bytes.</summary>
internal sealed class ConnectionFacts(IPEndPoint? local, IPEndPoint? remote)
{
    /// <summary>Envoy's transport protocol for a connection no listener filter recognised.</summary>
    public const string RawBuffer = "raw_buffer";

    public IPEndPoint? Local { get; } = Normalize(local);
    public IPEndPoint? Remote { get; } = Normalize(remote);

    /// <summary>Set by a listener filter that recognised the transport ("tls"); otherwise raw_buffer.</summary>
    public string TransportProtocol { get; set; } = RawBuffer;

    /// <summary>The requested server name (TLS SNI); empty when none was sent.</summary>
    public string ServerName { get; set; } = "";

    /// <summary>The application protocols the client asked for (TLS ALPN) or speaks (found by http_inspector), in its order.</summary>
    public IReadOnlyList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>Envoy's SAME_IP_OR_LOOPBACK: from a loopback address or this host's own address. Connections without
    /// addresses come from inside the proxy, so they count as local, as Envoy counts pipes.</summary>
    public bool IsLocal => Remote is null || IPAddress.IsLoopback(Remote.Address) || (Local is not null && Remote.Address.Equals(Local.Address));

    private static IPEndPoint? Normalize(IPEndPoint? endpoint) =>
        endpoint is { Address.IsIPv4MappedToIPv6: true } ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;
}
