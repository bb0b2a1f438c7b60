using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Trellis.Proxy.HttpFilters;

/// <summary>One kind of HTTP filter, registered under its Envoy name: it compiles the filter's typed_config
/// from a connection manager and its per-route overrides from typed_per_filter_config (each once, when the
/// configuration arrives), and creates the filter for a chain.</summary>
internal abstract class HttpFilterFactory
{
    /// <summary>The Envoy extension name, such as envoy.filters.http.fault.</summary>
    public abstract string Name { get; }

    /// <summary>The messages its typed_config may hold; the first is what a filter without typed_config gets.</summary>
    public abstract IReadOnlyList<MessageDescriptor> ConfigTypes { get; }

    /// <summary>The messages its per-route config may hold; none when the filter takes no per-route config.</summary>
    public virtual IReadOnlyList<MessageDescriptor> RouteConfigTypes => [];

    /// <summary>A terminal filter answers every request itself and must end the chain, as the router does.</summary>
    public virtual bool IsTerminal => false;

    /// <summary>The immutable compiled form of a typed_config (one of <see cref="ConfigTypes"/>);
    /// throws ConfigException naming <paramref name="where"/>.</summary>
    public abstract object Compile(IMessage config, string where);

    /// <summary>The compiled form of a per-route config (one of <see cref="RouteConfigTypes"/>).</summary>
    public virtual object CompileForRoute(IMessage config, string where) =>
        throw new InvalidOperationException($"{Name} declares no per-route config type");

    /// <summary>The filter for one position of a chain, with that position's compiled config.</summary>
    public abstract IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services);
}
