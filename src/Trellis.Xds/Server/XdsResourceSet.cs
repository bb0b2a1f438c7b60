using System.Collections.Frozen;
using System.Security.Cryptography;
using Google.Protobuf;

namespace Trellis.Xds.Server;

/// <summary>Resources of one type, by name, that many nodes' snapshots can share: indexed, ordered and versioned once
/// per set rather than once per node. Its resources must not be changed once it is built.</summary>
public sealed class XdsResourceSet
{
    private readonly Dictionary<string, XdsResource> _byName;
    private string? _contentVersion;
    private FrozenSet<string>? _names;

    /// <summary>Serializes and indexes <paramref name="resources"/> by name; a name given twice is refused, as a node would refuse it.</summary>
    public XdsResourceSet(IEnumerable<IMessage> resources) : this(resources.Select(XdsResource.Of)) { }

    /// <summary>Indexes <paramref name="resources"/> by name; a name given twice is refused, as a node would refuse it.</summary>
    public XdsResourceSet(IEnumerable<XdsResource> resources)
    {
        _byName = new Dictionary<string, XdsResource>(StringComparer.Ordinal);
        foreach (var resource in resources)
            if (!_byName.TryAdd(resource.Name, resource))
                throw new ArgumentException($"two {resource.TypeName} resources are named '{resource.Name}'", nameof(resources));
        Ordered = _byName.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The resources, ordered by name.</summary>
    public IReadOnlyList<XdsResource> Ordered { get; }

    /// <summary>The resources' names, made when first asked for: streams that subscribe to all of them share this set.</summary>
    internal FrozenSet<string> Names => _names ??= _byName.Keys.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The resource of that name, or null.</summary>
    public XdsResource? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>A version derived from the resources' serialized bytes: equal sets have equal versions, across
    /// recomputations and restarts alike, so a recomputation that changes nothing pushes nothing.</summary>
    public string ContentVersion => _contentVersion ??= Combine(Ordered.Select(r => r.Digest.ToArray()));

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
