using Grpc.Core;

namespace Trellis.Xds.Server;

/// <summary>Bounds how many responses all streams compose and write at once. A storm of nodes connecting together (a
/// restarted control plane) would otherwise hold every node's multi-megabyte first configuration in memory at once, as
/// istiod's push throttle also prevents. A response is composed only once its slot is free: composed before, it
/// waited as long as the storm lasted and was garbage only in the oldest generation. A node that reads slowly holds
/// its slot only for a while, so it cannot stall the others.</summary>
internal sealed class XdsSendGate(int slots, TimeSpan patience)
{
    private readonly SemaphoreSlim _slots = new(slots);

    public XdsSendGate() : this(Math.Max(4, 2 * Environment.ProcessorCount), TimeSpan.FromSeconds(5))
    {
    }

    /// <summary>Composes a response once a slot is free and writes it; returns what was written, or null when
    /// <paramref name="compose"/> found nothing to send.</summary>
    public async Task<T?> SendAsync<T>(IServerStreamWriter<T> writer, Func<T?> compose, CancellationToken ct) where T : class
    {
        await _slots.WaitAsync(ct);
        var held = true;
        try
        {
            if (compose() is not { } message) return null;
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
            return message;
        }
        finally
        {
            if (held) _slots.Release();
        }
    }
}
