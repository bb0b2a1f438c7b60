using System.Security.Cryptography;
using Google.Protobuf;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Push;

/// <summary>Content-derived versions: the same config gives the same version, so a recomputation
/// that changes nothing pushes nothing, and restarts of the control plane don't force pushes.
/// A version hashes the digests of its resources, and each resource instance is serialized and digested once, with the
/// bytes that are pushed (<see cref="XdsSnapshot.DigestOf"/>): the outbound clusters and endpoints are shared by every
/// proxy of a DestinationRule scope, so versioning N proxies' snapshots serializes them once, not N times
/// (bench/cp-scale). That relies on what DESIGN.md §8 asks of the pushed model: a translated resource is not changed
/// after it is handed to a snapshot.</summary>
internal static class ResourceVersion
{
    public static string Of(IReadOnlyList<IMessage> resources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var r in resources)
            hash.AppendData(XdsSnapshot.DigestOf(r));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
