using Google.Protobuf;

namespace Trellis.Xds.Client;

/// <summary>Receives the full set of one resource type each time the server sends it.</summary>
public interface IXdsResourceHandler
{
    /// <summary>Applies the resources; returns null to accept (ACK) or the reason to reject (NACK),
    /// in which case the previous configuration must stay in force.</summary>
    Task<string?> ApplyAsync(string typeUrl, string version, IReadOnlyList<IMessage> resources);
}
