using Envoy.Config.Route.V3;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.HttpFilters;

/// <summary>A typed_per_filter_config compiled: per filter name, its config for this scope and whether the
/// scope turns the filter off or explicitly on. A route holds the effective one, its own entries over its
/// virtual host's over its route configuration's, resolved once when the routes are compiled.</summary>
internal sealed class PerFilterConfigs
{
    public static readonly PerFilterConfigs None = new([]);

    private static readonly string FilterConfigType = FilterConfig.Descriptor.FullName;

    // Few filters have per-route config, so a scan over ints beats hashing the name per request.
    private readonly Entry[] _entries;

    private PerFilterConfigs(Entry[] entries) => _entries = entries;

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>The compiled per-route config for the filter in <paramref name="slot"/>, or null to use the filter's own.</summary>
    public object? ConfigOf(int slot)
    {
        foreach (var entry in _entries)
            if (entry.Slot == slot) return entry.Config;
        return null;
    }

    /// <summary>True or false when this scope says whether the filter runs; null when it leaves that to the filter chain.</summary>
    public bool? DisabledOf(int slot)
    {
        foreach (var entry in _entries)
            if (entry.Slot == slot) return entry.Disabled;
        return null;
    }

    /// <summary>This scope's entries over a less specific scope's. A more specific entry decides whether the
    /// filter runs; its config, when it has none (an entry that only enables the filter), comes from the less specific scope.</summary>
    public PerFilterConfigs Over(PerFilterConfigs lessSpecific)
    {
        if (lessSpecific.IsEmpty) return this;
        if (IsEmpty) return lessSpecific;
        var merged = new List<Entry>(_entries);
        for (var i = 0; i < merged.Count; i++)
            if (merged[i].Config is null && lessSpecific.ConfigOf(merged[i].Slot) is { } inherited) merged[i] = merged[i] with { Config = inherited };
        foreach (var entry in lessSpecific._entries)
            if (Array.FindIndex(_entries, e => e.Slot == entry.Slot) < 0) merged.Add(entry);
        return new PerFilterConfigs(merged.ToArray());
    }

    /// <summary>Compiles a typed_per_filter_config map. As in Envoy, an entry is compiled by the filter that declares its
    /// @type; an @type no filter takes is an error unless a FilterConfig wrapper marks it is_optional.</summary>
    public static PerFilterConfigs Compile(MapField<string, Any> map, string where, HttpFilterRegistry registry)
    {
        if (map.Count == 0) return None;
        var entries = new List<Entry>(map.Count);
        foreach (var (name, any) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var at = $"{where} typed_per_filter_config \"{name}\"";
            if (HttpFilterRegistry.TypeName(any) != FilterConfigType)
            {
                entries.Add(new Entry(HttpFilterSlots.Of(name), CompileConfig(name, any, optional: false, at, registry), false));
                continue;
            }
            var wrapper = Unwrap(any, at);
            if (wrapper.Disabled)
            {
                entries.Add(new Entry(HttpFilterSlots.Of(name), null, true));
                continue;
            }
            if (wrapper.Config is null) throw new ConfigException($"{at}: FilterConfig has neither config nor disabled");
            // An empty config turns the filter on without configuring it (for a filter disabled in the chain).
            var config = wrapper.Config.TypeUrl.Length == 0 ? null : CompileConfig(name, wrapper.Config, wrapper.IsOptional, at, registry);
            entries.Add(new Entry(HttpFilterSlots.Of(name), config, false));
        }
        return new PerFilterConfigs(entries.ToArray());
    }

    private static FilterConfig Unwrap(Any any, string where)
    {
        try
        {
            return FilterConfig.Parser.ParseFrom(any.Value);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ConfigException($"{where}: {FilterConfigType} does not decode: {e.Message}");
        }
    }

    /// <summary>The compiled config, or null for an optional one no filter of this proxy takes (the entry still turns
    /// its filter on, as in Envoy). A key that names one of the proxy's filters must hold a type that filter takes.</summary>
    private static object? CompileConfig(string name, Any any, bool optional, string where, HttpFilterRegistry registry)
    {
        var type = HttpFilterRegistry.TypeName(any);
        var named = registry.ByName(name);
        if (registry.ForRouteConfig(any, where) is var (factory, config))
        {
            if (named is not null && named != factory)
                throw new ConfigException($"{where}: holds a {type}, which is {factory.Name}'s, not {named.Name}'s ({Takes(named)})");
            return factory.CompileForRoute(config, where);
        }
        if (optional) return null;
        if (named is not null) throw new ConfigException($"{where}: holds a {type}, which {named.Name} does not take per route ({Takes(named)})");
        if (registry.TakingOnlyAsConfig(any) is { } configOnly)
            throw new ConfigException($"{where}: {configOnly.Name} takes no per-route config ({type}); a FilterConfig wrapper with is_optional lets it pass");
        throw new ConfigException($"{where}: no HTTP filter of this proxy takes {(type.Length > 0 ? type : "a config without @type")}");
    }

    private static string Takes(HttpFilterFactory factory) => factory.RouteConfigTypes.Count == 0
        ? "it takes no per-route config"
        : "it takes " + string.Join(", ", factory.RouteConfigTypes.Select(t => t.FullName));

    private readonly record struct Entry(int Slot, object? Config, bool Disabled);
}
