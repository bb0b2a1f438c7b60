using Microsoft.AspNetCore.Connections;

namespace Trellis.Proxy.Listeners.TransportSockets;

/// <summary>Envoy's raw_buffer transport socket: the bytes pass as they are.</summary>
internal sealed class PlaintextTransportSocket : IDownstreamTransportSocket
{
    public static readonly PlaintextTransportSocket Instance = new();

    private PlaintextTransportSocket()
    {
    }

    public bool IsPlaintext => true;

    public ValueTask<bool> AcceptAsync(ConnectionContext connection, CancellationToken ct) => ValueTask.FromResult(true);
}
