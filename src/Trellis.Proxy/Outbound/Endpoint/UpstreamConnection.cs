using System.Net.Sockets;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>A dialed connection to an endpoint: the bytes go through <see cref="Stream"/> (the cluster's transport
/// socket); <see cref="Socket"/> is kept to pass a half-close on.</summary>
internal sealed class UpstreamConnection(Socket socket, Stream stream) : IAsyncDisposable
{
    public Socket Socket { get; } = socket;

    public Stream Stream { get; } = stream;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        Socket.Dispose();
    }
}
