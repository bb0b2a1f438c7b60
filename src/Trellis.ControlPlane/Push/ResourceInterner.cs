using System.Collections.Concurrent;
using Google.Protobuf;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Push;

/// <summary>Keeps one instance of each distinct resource of one computation. Translation builds some resources per
/// proxy that come out equal for many proxies (the outbound route table of every sidecar in a namespace); each
/// snapshot then holds the first such instance instead of its own copy, so the control plane's memory grows with the
/// distinct configurations, not with the number of proxies.</summary>
internal sealed class ResourceInterner
{
    private readonly ConcurrentDictionary<(string Type, string Digest), IMessage> _resources = new();

    public IReadOnlyList<IMessage> Intern(IEnumerable<IMessage> resources) =>
        resources.Select(r => _resources.GetOrAdd((r.Descriptor.FullName, Convert.ToBase64String(XdsSnapshot.DigestOf(r))), r)).ToList();
}
