using Google.Protobuf;

namespace Trellis.ControlPlane.Translation;

/// <summary>The four xDS resource sets computed for one proxy.</summary>
internal sealed record ProxyResources(
    IReadOnlyList<IMessage> Listeners,
    IReadOnlyList<IMessage> Routes,
    IReadOnlyList<IMessage> Clusters,
    IReadOnlyList<IMessage> Endpoints);
