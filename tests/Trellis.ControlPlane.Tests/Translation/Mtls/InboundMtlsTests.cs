using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation.Mtls;

/// <summary>A sidecar's inbound listener follows its effective PeerAuthentication: STRICT serves only mutual TLS,
/// PERMISSIVE tells TLS from plaintext with tls_inspector, DISABLE serves plaintext; every chain routes into the app.</summary>
public sealed class InboundMtlsTests
{
    private static string Pa(string name, string ns, string spec) => $"""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
        {spec}
        """;

    private static Listener Inbound(params string[] yaml)
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(yaml), MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1"));
        return resources.Listeners.Cast<Listener>().Single(l => l.Name == "virtualInbound");
    }

    private static HttpConnectionManager Hcm(FilterChain chain) => chain.Filters.Single().TypedConfig.Unpack<HttpConnectionManager>();

    [Fact]
    public void Strict_serves_only_tls_so_plaintext_matches_no_chain()
    {
        var listener = Inbound(Pa("default", "istio-system", "  mtls: {mode: STRICT}"));

        var chain = Assert.Single(listener.FilterChains);
        Assert.Equal("tls", chain.FilterChainMatch.TransportProtocol);
        Assert.Equal("envoy.transport_sockets.tls", chain.TransportSocket.Name);
        Assert.Null(listener.DefaultFilterChain);
        Assert.Contains(listener.ListenerFilters, f => f.Name == "envoy.filters.listener.tls_inspector");
    }

    [Fact]
    public void The_mutual_tls_chain_requires_a_client_certificate_from_the_mesh()
    {
        var context = Inbound(Pa("default", "istio-system", "  mtls: {mode: STRICT}"))
            .FilterChains.Single().TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>();

        Assert.True(context.RequireClientCertificate);
        var common = context.CommonTlsContext;
        Assert.Equal("default", common.TlsCertificateSdsSecretConfigs.Single().Name);
        Assert.Equal("ROOTCA", common.CombinedValidationContext.ValidationContextSdsSecretConfig.Name);
        Assert.Equal("spiffe://cluster.local/", common.CombinedValidationContext.DefaultValidationContext.MatchSubjectAltNames.Single().Prefix);
        Assert.Equal(["h2", "http/1.1"], common.AlpnProtocols);
        Assert.Equal(TlsParameters.Types.TlsProtocol.Tlsv12, common.TlsParams.TlsMinimumProtocolVersion);
    }

    [Fact]
    public void The_trust_domain_comes_from_mesh_config()
    {
        const string meshConfig = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: istio, namespace: istio-system}
            data:
              mesh: |
                trustDomain: example.org
            """;
        var context = Inbound(meshConfig, Pa("default", "istio-system", "  mtls: {mode: STRICT}"))
            .FilterChains.Single().TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>();

        Assert.Equal("spiffe://example.org/", context.CommonTlsContext.CombinedValidationContext.DefaultValidationContext.MatchSubjectAltNames.Single().Prefix);
    }

    [Fact]
    public void Without_any_policy_the_port_is_permissive_with_a_tls_and_a_plaintext_chain()
    {
        var listener = Inbound();

        Assert.Equal(["tls", "raw_buffer"], listener.FilterChains.Select(c => c.FilterChainMatch.TransportProtocol));
        Assert.Equal("envoy.transport_sockets.tls", listener.FilterChains[0].TransportSocket.Name);
        Assert.Null(listener.FilterChains[1].TransportSocket);
        Assert.Equal(["envoy.filters.listener.tls_inspector", "envoy.filters.listener.http_inspector"], listener.ListenerFilters.Select(f => f.Name));
    }

    [Fact]
    public void Disable_serves_plaintext_only()
    {
        var listener = Inbound(Pa("reviews", "bookinfo", "  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: DISABLE}"));

        var chain = Assert.Single(listener.FilterChains);
        Assert.Null(chain.TransportSocket);
        Assert.Null(chain.FilterChainMatch);
        Assert.Empty(listener.ListenerFilters);
    }

    [Fact]
    public void Port_level_mtls_decides_for_the_workload_port()
    {
        var listener = Inbound(Pa("reviews", "bookinfo", """
              selector: {matchLabels: {app: reviews}}
              mtls: {mode: DISABLE}
              portLevelMtls:
                9080: {mode: STRICT}
            """));

        Assert.Equal("tls", Assert.Single(listener.FilterChains).FilterChainMatch.TransportProtocol);
    }

    [Fact]
    public void A_policy_for_another_port_leaves_this_one_at_the_workload_mode()
    {
        var listener = Inbound(Pa("reviews", "bookinfo", """
              selector: {matchLabels: {app: reviews}}
              mtls: {mode: STRICT}
              portLevelMtls:
                9999: {mode: DISABLE}
            """));

        Assert.Equal("tls", Assert.Single(listener.FilterChains).FilterChainMatch.TransportProtocol);
    }

    [Fact]
    public void Every_chain_routes_into_the_app_and_sets_the_client_certificate_header()
    {
        var listener = Inbound();

        Assert.All(listener.FilterChains, chain =>
        {
            var hcm = Hcm(chain);
            Assert.Equal("inbound|9080||", hcm.RouteConfig.VirtualHosts[0].Routes.Last().Route_.Cluster);
            Assert.Equal("CONNECT", hcm.UpgradeConfigs.Single().UpgradeType);
            Assert.Equal(HttpConnectionManager.Types.ForwardClientCertDetails.AppendForward, hcm.ForwardClientCertDetails);
            Assert.True(hcm.SetCurrentClientCertDetails.Subject);
            Assert.True(hcm.SetCurrentClientCertDetails.Uri);
            Assert.True(hcm.SetCurrentClientCertDetails.Dns);
        });
    }
}
