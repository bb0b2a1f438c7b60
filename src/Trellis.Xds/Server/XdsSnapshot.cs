using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Xds.Server;

/// <summary>Everything one node should run: per type URL, a version and the resources by name.</summary>
public sealed class XdsSnapshot
{
    private readonly ImmutableDictionary<string, TypeResources> _types;

    /// <summary>Builds a snapshot from per-type (version, resources) pairs.</summary>
    public XdsSnapshot(IReadOnlyDictionary<string, (string Version, IReadOnlyList<IMessage> Resources)> types) =>
        _types = types.ToImmutableDictionary(kv => kv.Key, kv => new TypeResources(kv.Value.Version, [new XdsResourceSet(kv.Value.Resources)]));

    /// <summary>Builds a snapshot whose types are made of resource sets that other snapshots may share; each type's
    /// version is derived from its resources' content. A name must not be in two sets of one type.</summary>
    public XdsSnapshot(IReadOnlyDictionary<string, IReadOnlyList<XdsResourceSet>> types) =>
        _types = types.ToImmutableDictionary(kv => kv.Key, kv => new TypeResources(XdsResourceSet.VersionOf(kv.Value), kv.Value));

    /// <summary>The version of one type, or null when the snapshot has none of it.</summary>
    public string? VersionOf(string typeUrl) => _types.TryGetValue(typeUrl, out var t) ? t.Version : null;

    /// <summary>Whether <paramref name="other"/> has the same types, each at the same version.</summary>
    internal bool SameVersions(XdsSnapshot other) =>
        _types.Count == other._types.Count && _types.All(t => other.VersionOf(t.Key) == t.Value.Version);

    /// <summary>The resources of a type, filtered to <paramref name="names"/> unless that is null (wildcard).</summary>
    public IReadOnlyList<IMessage> Resources(string typeUrl, IEnumerable<string>? names)
    {
        if (!_types.TryGetValue(typeUrl, out var t)) return [];
        if (names is null) return t.Parts.Count == 1 ? t.Parts[0].Ordered : t.Parts.SelectMany(p => p.Ordered).ToList();
        return names.Order(StringComparer.Ordinal).Select(t.Find).OfType<IMessage>().ToList();
    }

    /// <summary>The snapshot's own instance of a resource name, when it has that resource; else <paramref name="name"/>.</summary>
    internal string Canonical(string typeUrl, string name) =>
        _types.TryGetValue(typeUrl, out var t) && t.Find(name) is { } resource ? TypeUrls.NameOf(resource) : name;

    /// <summary>The resource sets a type is made of.</summary>
    internal IReadOnlyList<XdsResourceSet> SetsOf(string typeUrl) => _types.TryGetValue(typeUrl, out var t) ? t.Parts : [];

    /// <summary>The names of a type's resources.</summary>
    internal IEnumerable<string> NamesOf(string typeUrl) => _types.TryGetValue(typeUrl, out var t) ? t.Parts.SelectMany(p => p.Ordered).Select(TypeUrls.NameOf) : [];

    /// <summary>One resource as incremental xDS sends it: its bytes and a version that changes exactly when they do, so a
    /// resource rebuilt unchanged by a later push is not sent again. Computed once per resource instance, so an instance
    /// that many nodes' snapshots share (the control plane keeps one of each distinct resource) is serialized once.</summary>
    internal VersionedResource? Versioned(string typeUrl, string name) =>
        _types.TryGetValue(typeUrl, out var t) && t.Find(name) is { } resource ? VersionedResource.Of(resource) : null;

    /// <summary>The SHA-256 of a resource's serialized form. Computed with the bytes pushed to nodes, once per
    /// instance, so a control plane that derives its versions from it does not serialize the resource a second time.</summary>
    public static ReadOnlySpan<byte> DigestOf(IMessage resource) => VersionedResource.Of(resource).Digest;

    private sealed record TypeResources(string Version, IReadOnlyList<XdsResourceSet> Parts)
    {
        public IMessage? Find(string name)
        {
            foreach (var part in Parts)
                if (part.Find(name) is { } resource) return resource;
            return null;
        }
    }
}

/// <summary>A resource's serialized bytes, their SHA-256, the version derived from it, and the resource packed as the
/// Any a response carries (never changed, so responses to many nodes share it).</summary>
internal sealed record VersionedResource(string Version, ByteString Bytes, byte[] Digest, Any Packed)
{
    // Resources handed to a snapshot are not changed afterwards, so an instance's bytes stay valid for its lifetime.
    private static readonly ConditionalWeakTable<IMessage, VersionedResource> Cache = new();

    public static VersionedResource Of(IMessage resource) => Cache.GetValue(resource, static r =>
    {
        var bytes = r.ToByteString();
        var digest = SHA256.HashData(bytes.Span);
        return new VersionedResource(Convert.ToHexStringLower(digest.AsSpan(0, 8)), bytes, digest,
            new Any { TypeUrl = TypeUrls.Of(r.Descriptor), Value = bytes });
    });
}
