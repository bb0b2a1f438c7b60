using System.Collections.Concurrent;
using Google.Protobuf;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Translation;

/// <summary>Keeps one instance of each distinct resource of one computation, as its bytes. Translation builds resources
/// per proxy or per scope that come out equal for many of them (the cluster of a service is the same for every namespace
/// without a DestinationRule of its own); snapshots then hold the first such instance instead of their own copy, so the
/// control plane's memory grows with the distinct configurations, not with the number of proxies or scopes.</summary>
/// <param name="previous">The last computation's interner. A resource that comes out as it was keeps the instance
/// the proxies' snapshots already hold: a snapshot whose versions did not change is not replaced, so a new instance
/// would have been a second copy of it for as long as this computation lived.</param>
internal sealed class ResourceInterner(ResourceInterner? previous = null)
{
    private readonly ConcurrentDictionary<(string Type, string Digest), XdsResource> _resources = new();

    // Only the last computation's own instances, not its predecessor's: a chain would keep every computation alive.
    private readonly ConcurrentDictionary<(string Type, string Digest), XdsResource>? _previous = previous?._resources;

    public List<XdsResource> Intern(IEnumerable<IMessage> resources) => resources.Select(Intern).ToList();

    /// <summary>The instance held for what <paramref name="message"/> serializes to; the message itself is not kept.</summary>
    public XdsResource Intern(IMessage message)
    {
        var resource = XdsResource.Of(message);
        return _resources.GetOrAdd((message.Descriptor.FullName, Convert.ToBase64String(resource.Digest)),
            static (key, arg) => arg.Previous is not null && arg.Previous.TryGetValue(key, out var kept) ? kept : arg.Resource,
            (Previous: _previous, Resource: resource));
    }
}
