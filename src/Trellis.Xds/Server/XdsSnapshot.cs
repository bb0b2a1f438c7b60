using System.Collections.Immutable;
using Google.Protobuf;

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
    public IReadOnlyList<XdsResource> Resources(string typeUrl, IEnumerable<string>? names)
    {
        if (!_types.TryGetValue(typeUrl, out var t)) return [];
        if (names is null) return t.Parts.Count == 1 ? t.Parts[0].Ordered : t.Parts.SelectMany(p => p.Ordered).ToList();
        return names.Order(StringComparer.Ordinal).Select(t.Find).OfType<XdsResource>().ToList();
    }

    /// <summary>The snapshot's own instance of a resource name, when it has that resource; else <paramref name="name"/>.</summary>
    internal string Canonical(string typeUrl, string name) =>
        _types.TryGetValue(typeUrl, out var t) && t.Find(name) is { } resource ? resource.Name : name;

    /// <summary>The resource sets a type is made of.</summary>
    internal IReadOnlyList<XdsResourceSet> SetsOf(string typeUrl) => _types.TryGetValue(typeUrl, out var t) ? t.Parts : [];

    /// <summary>The names of a type's resources.</summary>
    internal IEnumerable<string> NamesOf(string typeUrl) => _types.TryGetValue(typeUrl, out var t) ? t.Parts.SelectMany(p => p.Ordered).Select(r => r.Name) : [];

    /// <summary>One resource of a type by name, or null.</summary>
    internal XdsResource? Find(string typeUrl, string name) => _types.TryGetValue(typeUrl, out var t) ? t.Find(name) : null;

    private sealed record TypeResources(string Version, IReadOnlyList<XdsResourceSet> Parts)
    {
        public XdsResource? Find(string name)
        {
            foreach (var part in Parts)
                if (part.Find(name) is { } resource) return resource;
            return null;
        }
    }
}
