using System.Collections.Concurrent;
using Google.Protobuf;
using Trellis.Xds.Client;

namespace Trellis.Xds.Tests.Support;

/// <summary>One delivery to the handler: type, version and resource names in the order received.</summary>
internal sealed record Delivery(string TypeUrl, string Version, IReadOnlyList<string> Names, DateTime At);

/// <summary>Records every delivery; rejects those <c>reject</c> returns a reason for.</summary>
internal sealed class RecordingHandler(Func<string, string, string?>? reject = null) : IXdsResourceHandler
{
    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public Task<string?> ApplyAsync(string typeUrl, string version, IReadOnlyList<IMessage> resources)
    {
        Deliveries.Enqueue(new Delivery(typeUrl, version, resources.Select(TypeUrls.NameOf).ToList(), DateTime.UtcNow));
        return Task.FromResult(reject?.Invoke(typeUrl, version));
    }

    public IReadOnlyList<Delivery> Of(string typeUrl) => Deliveries.Where(d => d.TypeUrl == typeUrl).ToList();

    public Delivery? Last(string typeUrl) => Of(typeUrl).LastOrDefault();
}
