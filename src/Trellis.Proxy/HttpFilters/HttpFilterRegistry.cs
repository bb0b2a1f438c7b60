using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.HttpFilters.Fault;

namespace Trellis.Proxy.HttpFilters;

/// <summary>The HTTP filters this proxy implements, by Envoy filter name, and the chains built from them.</summary>
internal sealed class HttpFilterRegistry
{
    public const string Router = "envoy.filters.http.router";

    private static readonly FrozenSet<string> Known = new[] { Router, FaultPolicy.FilterName }.ToFrozenSet(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, IHttpFilter> _filters;
    // Keyed by the list instance a listener's compiled HCM holds, so a request finds its chain without
    // hashing names, and a chain goes away with the snapshots that referenced its list.
    private readonly ConditionalWeakTable<IReadOnlyList<string>, HttpFilterDelegate> _chains = new();
    private readonly ConditionalWeakTable<IReadOnlyList<string>, HttpFilterDelegate>.CreateValueCallback _compose;

    public HttpFilterRegistry(RouterFilter router)
    {
        _filters = new Dictionary<string, IHttpFilter>(StringComparer.Ordinal)
        {
            [Router] = router,
            [FaultPolicy.FilterName] = new FaultFilter(),
        }.ToFrozenDictionary(StringComparer.Ordinal);
        _compose = Compose;
    }

    /// <summary>Whether a filter name can appear in an accepted listener.</summary>
    public static bool IsKnown(string name) => Known.Contains(name);

    /// <summary>The composed chain for an ordered list of filter names (cached per list; chains are stateless).</summary>
    public HttpFilterDelegate Chain(IReadOnlyList<string> names) => _chains.GetValue(names, _compose);

    private HttpFilterDelegate Compose(IReadOnlyList<string> names)
    {
        HttpFilterDelegate next = static _ => Task.CompletedTask;
        for (var i = names.Count - 1; i >= 0; i--)
        {
            var filter = _filters[names[i]];
            var rest = next;
            next = context => filter.InvokeAsync(context, rest);
        }
        return next;
    }
}
