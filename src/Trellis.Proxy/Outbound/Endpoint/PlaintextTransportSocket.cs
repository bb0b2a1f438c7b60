using System.Net.Sockets;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>Envoy's raw_buffer: the bytes go over the TCP connection as they are.</summary>
internal sealed class PlaintextTransportSocket : IUpstreamTransportSocket
{
    public static readonly PlaintextTransportSocket Instance = new();

    private PlaintextTransportSocket()
    {
    }

    public ValueTask<Stream> ConnectAsync(Socket connected, string host, bool http2, CancellationToken ct) =>
        ValueTask.FromResult<Stream>(new NetworkStream(connected, ownsSocket: true));
}
