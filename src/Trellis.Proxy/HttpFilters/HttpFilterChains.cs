using System.Runtime.CompilerServices;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.HttpFilters;

/// <summary>Builds the filters of a connection manager's chain, once per compiled chain, and composes them so that
/// each request runs the filters its route leaves on: a route's per-filter config can turn a filter off
/// (FilterConfig disabled) or turn on one the chain has disabled by default, as Envoy's route-based filter chain does.</summary>
internal sealed class HttpFilterChains
{
    private static readonly HttpFilterDelegate End = static _ => Task.CompletedTask;

    private readonly HttpFilterServices _services;
    // Keyed by the list instance a listener's compiled HCM holds, so a request finds its chain without
    // hashing names, and a chain goes away with the snapshots that referenced its list.
    private readonly ConditionalWeakTable<IReadOnlyList<HttpFilterModel>, HttpFilterDelegate> _chains = new();
    private readonly ConditionalWeakTable<IReadOnlyList<HttpFilterModel>, HttpFilterDelegate>.CreateValueCallback _compose;

    public HttpFilterChains(HttpFilterServices services)
    {
        _services = services;
        _compose = Compose;
    }

    /// <summary>The composed chain for a connection manager's compiled filters.</summary>
    public HttpFilterDelegate Chain(IReadOnlyList<HttpFilterModel> filters) => _chains.GetValue(filters, _compose);

    private HttpFilterDelegate Compose(IReadOnlyList<HttpFilterModel> filters)
    {
        var next = End;
        for (var i = filters.Count - 1; i >= 0; i--) next = Step(filters[i], filters[i].Factory.Create(filters[i], _services), next);
        return next;
    }

    private static HttpFilterDelegate Step(HttpFilterModel model, IHttpFilter filter, HttpFilterDelegate next)
    {
        var slot = model.Slot;
        var byDefault = model.DisabledByDefault;
        if (model.Factory.IsTerminal)
        {
            return context => context.Route?.FilterConfigs.DisabledOf(slot) == true
                ? LocalReply.WriteAsync(context, 500, ResponseFlags.None, "",
                    $"route {context.Route.DisplayName} disables {model.Name}, the filter that answers requests, so none can be answered")
                : filter.InvokeAsync(context, next);
        }
        return context => (context.Route?.FilterConfigs.DisabledOf(slot) ?? byDefault) ? next(context) : filter.InvokeAsync(context, next);
    }
}
