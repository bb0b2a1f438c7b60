using System.Collections.Concurrent;
using Google.Protobuf;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Translation;

/// <summary>Keeps one instance of each distinct resource of one computation. Translation builds resources per proxy or
/// per scope that come out equal for many of them (the cluster of a service is the same for every namespace without a
/// DestinationRule of its own); snapshots then hold the first such instance instead of their own copy, so the control
/// plane's memory grows with the distinct configurations, not with the number of proxies or scopes.</summary>
/// <param name="previous">The last computation's interner. A resource that comes out as it was keeps the instance
/// the proxies' snapshots already hold: a snapshot whose versions did not change is not replaced, so a new instance
/// would have been a second copy of it for as long as this computation lived.</param>
internal sealed class ResourceInterner(ResourceInterner? previous = null)
{
    private readonly ConcurrentDictionary<(string Type, string Digest), IMessage> _resources = new();

    // Only the last computation's own instances, not its predecessor's: a chain would keep every computation alive.
    private readonly ConcurrentDictionary<(string Type, string Digest), IMessage>? _previous = previous?._resources;

    public List<T> Intern<T>(IEnumerable<T> resources) where T : IMessage => resources.Select(Intern).ToList();

    public T Intern<T>(T resource) where T : IMessage =>
        (T)_resources.GetOrAdd((resource.Descriptor.FullName, Convert.ToBase64String(XdsSnapshot.DigestOf(resource))),
            static (key, arg) => arg.Previous is not null && arg.Previous.TryGetValue(key, out var kept) ? kept : arg.Resource,
            (Previous: _previous, Resource: (IMessage)resource));
}
