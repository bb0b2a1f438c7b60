using System.Net.Sockets;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>Envoy's upstream transport socket: what a cluster's connections speak over the TCP connection,
/// applied to every connection the proxy dials, for HTTP forwarding and tunnels alike.</summary>
internal interface IUpstreamTransportSocket
{
    /// <summary>The stream to talk to <paramref name="host"/> through, over a connected socket it then owns.</summary>
    /// <param name="http2">The connection will carry HTTP/2 (offered as "h2" over ALPN when none is configured).</param>
    ValueTask<Stream> ConnectAsync(Socket connected, string host, bool http2, CancellationToken ct);
}
