using Grpc.Core;

namespace Trellis.Xds.Server;

/// <summary>Bounds how many responses all streams write at once. A response is serialized whole before it is sent, so a
/// storm of nodes connecting together (a restarted control plane) would otherwise hold every node's multi-megabyte
/// first configuration in memory at once, as istiod's push throttle also prevents. A node that reads slowly holds its
/// slot only for a while, so it cannot stall the others.</summary>
internal sealed class XdsSendGate(int slots, TimeSpan patience)
{
    private readonly SemaphoreSlim _slots = new(slots);

    public XdsSendGate() : this(Math.Max(4, 2 * Environment.ProcessorCount), TimeSpan.FromSeconds(5))
    {
    }

    public async Task SendAsync<T>(IServerStreamWriter<T> writer, T message, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        var held = true;
        try
        {
            var write = writer.WriteAsync(message, ct);
            try
            {
                await write.WaitAsync(patience, ct);
            }
            catch (TimeoutException)
            {
                held = false;
                _slots.Release();
                await write;
            }
        }
        finally
        {
            if (held) _slots.Release();
        }
    }
}
