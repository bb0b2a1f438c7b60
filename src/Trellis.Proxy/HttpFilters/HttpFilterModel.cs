namespace Trellis.Proxy.HttpFilters;

/// <summary>One compiled entry of a connection manager's http_filters: its name (which per-route configs are
/// keyed by), the factory that takes it, its compiled typed_config, and whether it is off unless a route turns
/// it on (Envoy's <c>disabled</c>).</summary>
internal sealed record HttpFilterModel(string Name, HttpFilterFactory Factory, object Config, bool DisabledByDefault)
{
    /// <summary>The name as a number, so a request finds the route's config for this filter without hashing strings.</summary>
    public int Slot { get; } = HttpFilterSlots.Of(Name);
}
