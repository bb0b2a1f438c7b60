using Google.Protobuf;

namespace Trellis.ControlPlane.Translation;

/// <summary>The xDS resource sets computed for one proxy.</summary>
internal sealed record ProxyResources(
    IReadOnlyList<IMessage> Listeners,
    IReadOnlyList<IMessage> Routes,
    IReadOnlyList<IMessage> Clusters,
    IReadOnlyList<IMessage> Endpoints)
{
    /// <summary>SDS: the credential Secrets of a gateway's TLS servers (only ever its own namespace's).</summary>
    public IReadOnlyList<IMessage> Secrets { get; init; } = [];

    /// <summary>Why parts of the configuration were left out (a gateway server without its certificate, say).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
