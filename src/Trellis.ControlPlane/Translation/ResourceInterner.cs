using System.Collections.Concurrent;
using Google.Protobuf;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Translation;

/// <summary>Keeps one instance of each distinct resource of one computation. Translation builds resources per proxy or
/// per scope that come out equal for many of them (the cluster of a service is the same for every namespace without a
/// DestinationRule of its own); snapshots then hold the first such instance instead of their own copy, so the control
/// plane's memory grows with the distinct configurations, not with the number of proxies or scopes.</summary>
internal sealed class ResourceInterner
{
    private readonly ConcurrentDictionary<(string Type, string Digest), IMessage> _resources = new();

    public List<T> Intern<T>(IEnumerable<T> resources) where T : IMessage => resources.Select(Intern).ToList();

    public T Intern<T>(T resource) where T : IMessage =>
        (T)_resources.GetOrAdd((resource.Descriptor.FullName, Convert.ToBase64String(XdsSnapshot.DigestOf(resource))), resource);
}
