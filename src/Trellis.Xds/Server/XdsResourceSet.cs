using System.Collections.Frozen;
using System.Security.Cryptography;
using Google.Protobuf;

namespace Trellis.Xds.Server;

/// <summary>Resources of one type, by name, that many nodes' snapshots can share: indexed, ordered and versioned once
/// per set rather than once per node. Its resources must not be changed once it is built.</summary>
public sealed class XdsResourceSet
{
    private readonly Dictionary<string, IMessage> _byName;
    private string? _contentVersion;
    private FrozenSet<string>? _names;

    /// <summary>Indexes <paramref name="resources"/> by name; a name given twice is refused, as a node would refuse it.</summary>
    public XdsResourceSet(IEnumerable<IMessage> resources)
    {
        _byName = new Dictionary<string, IMessage>(StringComparer.Ordinal);
        foreach (var resource in resources)
            if (!_byName.TryAdd(TypeUrls.NameOf(resource), resource))
                throw new ArgumentException($"two {resource.Descriptor.Name} resources are named '{TypeUrls.NameOf(resource)}'", nameof(resources));
        Ordered = _byName.Values.OrderBy(TypeUrls.NameOf, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The resources, ordered by name.</summary>
    public IReadOnlyList<IMessage> Ordered { get; }

    /// <summary>The resources' names, made when first asked for: streams that subscribe to all of them share this set.</summary>
    internal FrozenSet<string> Names => _names ??= _byName.Keys.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The resource of that name, or null.</summary>
    public IMessage? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>A version derived from the resources' serialized bytes: equal sets have equal versions, across
    /// recomputations and restarts alike, so a recomputation that changes nothing pushes nothing.</summary>
    public string ContentVersion => _contentVersion ??= Combine(Ordered.Select(r => XdsSnapshot.DigestOf(r).ToArray()));

    /// <summary>The version of a type made of several sets, from theirs.</summary>
    internal static string VersionOf(IReadOnlyList<XdsResourceSet> parts) =>
        parts.Count == 1 ? parts[0].ContentVersion : Combine(parts.Select(p => Convert.FromHexString(p.ContentVersion)));

    private static string Combine(IEnumerable<byte[]> digests)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var digest in digests) hash.AppendData(digest);
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
