using Microsoft.AspNetCore.Connections;

namespace Trellis.Proxy.Listeners.TransportSockets;

/// <summary>A filter chain's transport socket (Envoy's envoy.transport_sockets.downstream): what turns the accepted
/// bytes into the stream the chain's network filters read. Plaintext today; TLS goes into this slot.</summary>
internal interface IDownstreamTransportSocket
{
    /// <summary>True when the connection carries the bytes as they are, so there is nothing to set up per connection.</summary>
    bool IsPlaintext { get; }

    /// <summary>Sets the connection up for the chain (a TLS handshake, say); false closes it.</summary>
    ValueTask<bool> AcceptAsync(ConnectionContext connection, CancellationToken ct);
}
