using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;

namespace Trellis.ControlPlane.Push;

/// <summary>Content-derived versions: the same config gives the same version, so a recomputation
/// that changes nothing pushes nothing, and restarts of the control plane don't force pushes.
/// A version hashes the digests of its resources, and each resource instance is digested once: the outbound clusters
/// and endpoints are shared by every proxy of a DestinationRule scope, so versioning N proxies' snapshots serializes
/// them once, not N times (bench/cp-scale). That relies on what DESIGN.md §8 asks of the pushed model: a translated
/// resource is not changed after it is handed to a snapshot.</summary>
internal static class ResourceVersion
{
    private static readonly ConditionalWeakTable<IMessage, byte[]> Digests = new();

    public static string Of(IReadOnlyList<IMessage> resources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var r in resources)
            hash.AppendData(DigestOf(r));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    /// <summary>The SHA-256 of the resource's serialized form, computed the first time it is asked for.</summary>
    public static byte[] DigestOf(IMessage resource) => Digests.GetValue(resource, static r => SHA256.HashData(r.ToByteArray()));
}
