using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Listener.HttpInspector.V3;
using Envoy.Extensions.Filters.Listener.TlsInspector.V3;
using Trellis.Config.Semantics;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>A sidecar inbound port's filter chains for its effective PeerAuthentication mode, as istiod builds them:
/// STRICT serves only TLS (a plaintext connection matches no chain and is closed), PERMISSIVE tells TLS from
/// plaintext with tls_inspector and serves each on its own chain, DISABLE serves plaintext only. Every chain runs
/// the same network filters.</summary>
internal static class InboundFilterChains
{
    public const string TlsInspectorName = "envoy.filters.listener.tls_inspector";
    public const string HttpInspectorName = "envoy.filters.listener.http_inspector";

    /// <param name="filters">Builds the chain's network filters (a fresh copy per chain).</param>
    public static void Apply(Listener listener, int port, MutualTlsMode mode, string trustDomain, Func<Filter> filters)
    {
        switch (mode)
        {
            case MutualTlsMode.Strict:
                listener.ListenerFilters.Add(TlsInspector());
                listener.FilterChains.Add(Mutual(port, trustDomain, filters()));
                break;
            case MutualTlsMode.Permissive:
                listener.ListenerFilters.Add(TlsInspector());
                listener.ListenerFilters.Add(new ListenerFilter { Name = HttpInspectorName, TypedConfig = XdsAny.Pack(new HttpInspector()) });
                listener.FilterChains.Add(Mutual(port, trustDomain, filters()));
                listener.FilterChains.Add(new FilterChain
                {
                    Name = $"inbound_{port}_plaintext",
                    FilterChainMatch = new FilterChainMatch { TransportProtocol = "raw_buffer" },
                    Filters = { filters() },
                });
                break;
            default:
                listener.FilterChains.Add(new FilterChain { Name = $"inbound_{port}_plaintext", Filters = { filters() } });
                break;
        }
    }

    private static ListenerFilter TlsInspector() => new() { Name = TlsInspectorName, TypedConfig = XdsAny.Pack(new TlsInspector()) };

    private static FilterChain Mutual(int port, string trustDomain, Filter filter) => new()
    {
        Name = $"inbound_{port}_mtls",
        FilterChainMatch = new FilterChainMatch { TransportProtocol = "tls" },
        TransportSocket = TransportSockets.Tls(InboundMtls.Context(trustDomain)),
        Filters = { filter },
    };
}
