using System.Collections.Immutable;
using Google.Protobuf;

namespace Trellis.Xds.Server;

/// <summary>Everything one node should run: per type URL, a version and the resources by name.</summary>
public sealed class XdsSnapshot
{
    private readonly ImmutableDictionary<string, TypeResources> _types;

    /// <summary>Builds a snapshot from per-type (version, resources) pairs.</summary>
    public XdsSnapshot(IReadOnlyDictionary<string, (string Version, IReadOnlyList<IMessage> Resources)> types) =>
        _types = types.ToImmutableDictionary(kv => kv.Key, kv => new TypeResources(
            kv.Value.Version,
            kv.Value.Resources.ToImmutableDictionary(TypeUrls.NameOf, r => r)));

    /// <summary>The version of one type, or null when the snapshot has none of it.</summary>
    public string? VersionOf(string typeUrl) => _types.TryGetValue(typeUrl, out var t) ? t.Version : null;

    /// <summary>The resources of a type, filtered to <paramref name="names"/> unless that is null (wildcard).</summary>
    public IReadOnlyList<IMessage> Resources(string typeUrl, IReadOnlySet<string>? names)
    {
        if (!_types.TryGetValue(typeUrl, out var t)) return [];
        if (names is null) return t.ByName.Values.OrderBy(TypeUrls.NameOf, StringComparer.Ordinal).ToList();
        return names.Order(StringComparer.Ordinal).Where(t.ByName.ContainsKey).Select(n => t.ByName[n]).ToList();
    }

    private sealed record TypeResources(string Version, ImmutableDictionary<string, IMessage> ByName);
}
