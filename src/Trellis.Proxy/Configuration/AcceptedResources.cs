using System.Collections.Immutable;
using Google.Protobuf;

namespace Trellis.Proxy.Configuration;

/// <summary>One accepted xDS resource, as received, with the version it came in and when.</summary>
internal sealed record AcceptedResource(string Name, IMessage Message, string Version, DateTimeOffset LastUpdated);

/// <summary>The last accepted state of the world per xDS type URL, for rebuilding snapshots and /config_dump.</summary>
internal sealed record AcceptedResources(ImmutableDictionary<string, ImmutableDictionary<string, AcceptedResource>> ByType)
{
    public static readonly AcceptedResources Empty = new(ImmutableDictionary<string, ImmutableDictionary<string, AcceptedResource>>.Empty);

    public IEnumerable<AcceptedResource> Of(string typeUrl) =>
        ByType.TryGetValue(typeUrl, out var map) ? map.Values.OrderBy(r => r.Name, StringComparer.Ordinal) : [];

    public bool Has(string typeUrl) => ByType.ContainsKey(typeUrl);

    /// <summary>Replaces one type's resources; unchanged resources keep their old version and timestamp.</summary>
    public AcceptedResources With(string typeUrl, string version, IReadOnlyList<IMessage> resources, DateTimeOffset now)
    {
        var old = ByType.GetValueOrDefault(typeUrl) ?? ImmutableDictionary<string, AcceptedResource>.Empty;
        var builder = ImmutableDictionary.CreateBuilder<string, AcceptedResource>(StringComparer.Ordinal);
        foreach (var message in resources)
        {
            var name = Trellis.Xds.TypeUrls.NameOf(message);
            if (builder.ContainsKey(name)) throw new ConfigException($"{Trellis.Xds.TypeUrls.ShortName(typeUrl)} resource \"{name}\" appears twice");
            builder[name] = old.TryGetValue(name, out var previous) && previous.Message.Equals(message)
                ? previous
                : new AcceptedResource(name, message, version, now);
        }
        return new AcceptedResources(ByType.SetItem(typeUrl, builder.ToImmutable()));
    }
}
