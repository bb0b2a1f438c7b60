using System.Collections.Concurrent;
using System.Collections.Frozen;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.HttpFilters;

/// <summary>The HTTP filters this proxy implements, by Envoy filter name, and the chains built from them.</summary>
internal sealed class HttpFilterRegistry
{
    public const string Router = "envoy.filters.http.router";

    private static readonly FrozenSet<string> Known = new[] { Router }.ToFrozenSet(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, IHttpFilter> _filters;
    private readonly ConcurrentDictionary<string, HttpFilterDelegate> _chains = new(StringComparer.Ordinal);

    public HttpFilterRegistry(RouterFilter router)
    {
        _filters = new Dictionary<string, IHttpFilter>(StringComparer.Ordinal) { [Router] = router }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Whether a filter name can appear in an accepted listener.</summary>
    public static bool IsKnown(string name) => Known.Contains(name);

    /// <summary>The composed chain for an ordered list of filter names (cached; chains are stateless).</summary>
    public HttpFilterDelegate Chain(IReadOnlyList<string> names) =>
        _chains.GetOrAdd(string.Join('\n', names), _ => Compose(names));

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
