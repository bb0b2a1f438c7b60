using System.Security.Cryptography;
using Google.Protobuf;

namespace Trellis.ControlPlane.Push;

/// <summary>Content-derived versions: the same config gives the same version, so a recomputation
/// that changes nothing pushes nothing, and restarts of the control plane don't force pushes.</summary>
internal static class ResourceVersion
{
    public static string Of(IReadOnlyList<IMessage> resources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var r in resources)
            hash.AppendData(r.ToByteArray());
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
