using Google.Protobuf;
using Google.Protobuf.Reflection;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.HttpFilters.Router;

/// <summary>Envoy's router, the terminal filter of every chain (see <see cref="RouterFilter"/>).</summary>
internal sealed class RouterFilterFactory : HttpFilterFactory
{
    public const string FilterName = "envoy.filters.http.router";

    public override string Name => FilterName;
    public override IReadOnlyList<MessageDescriptor> ConfigTypes { get; } = [Envoy.Extensions.Filters.Http.Router.V3.Router.Descriptor];
    public override bool IsTerminal => true;

    public override object Compile(IMessage config, string where) =>
        new RouterConfig(((Envoy.Extensions.Filters.Http.Router.V3.Router)config).SuppressEnvoyHeaders);

    public override IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services) => new RouterFilter(services.Forwarder);
}

/// <summary>The router's compiled config.</summary>
/// <param name="SuppressEnvoyHeaders">Replies the proxy makes itself do not explain themselves in headers
/// (x-trellis-reason, x-envoy-*), as on a gateway facing outside clients.</param>
internal sealed record RouterConfig(bool SuppressEnvoyHeaders);
