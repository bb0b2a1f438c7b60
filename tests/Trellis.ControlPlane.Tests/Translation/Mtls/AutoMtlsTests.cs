using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation.Mtls;

/// <summary>Auto mTLS: endpoints that run a sidecar say tlsMode istio, and outbound clusters originate ISTIO_MUTUAL to
/// exactly those, verifying the destination service's SPIFFE identities; other endpoints get plaintext.</summary>
public sealed class AutoMtlsTests
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";

    private static IEnumerable<ClusterLoadAssignment> Endpoints(MeshModel mesh) => EndpointTranslator.Outbound(mesh, MeshFixture.BookinfoClient);

    private static string? TlsMode(LbEndpoint endpoint) =>
        endpoint.Metadata.FilterMetadata.TryGetValue("envoy.transport_socket_match", out var match) ? match.Fields["tlsMode"].StringValue : null;

    [Fact]
    public void An_outbound_cluster_carries_the_istio_and_the_plaintext_socket_matches()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(), Reviews);

        Assert.Null(cluster.TransportSocket);
        Assert.Equal(["tlsMode-istio", "tlsMode-disabled"], cluster.TransportSocketMatches.Select(m => m.Name));
        Assert.Equal("istio", cluster.TransportSocketMatches[0].Match.Fields["tlsMode"].StringValue);
        Assert.Empty(cluster.TransportSocketMatches[1].Match.Fields);
        Assert.Equal("envoy.transport_sockets.raw_buffer", cluster.TransportSocketMatches[1].TransportSocket.Name);
    }

    [Fact]
    public void With_enable_auto_mtls_false_only_a_destination_rule_turns_mutual_tls_on()
    {
        const string meshConfig = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: istio, namespace: istio-system}
            data:
              mesh: |
                enableAutoMtls: false
            """;
        const string ratingsMutual = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: ratings, namespace: bookinfo}
            spec:
              host: ratings
              trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
            """;
        var mesh = MeshFixture.Bookinfo(meshConfig, ratingsMutual);

        var reviews = MeshFixture.OutboundCluster(mesh, Reviews);
        var ratings = MeshFixture.OutboundCluster(mesh, "outbound|9080||ratings.bookinfo.svc.cluster.local");

        Assert.Null(reviews.TransportSocket);
        Assert.Empty(reviews.TransportSocketMatches);
        Assert.Equal("envoy.transport_sockets.tls", ratings.TransportSocket.Name);
    }

    [Fact]
    public void Istio_mutual_tls_verifies_the_service_accounts_of_the_destination_and_names_the_cluster_in_sni()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(), Reviews);

        var context = cluster.TransportSocketMatches[0].TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>();
        Assert.Equal("outbound_.9080_._.reviews.bookinfo.svc.cluster.local", context.Sni);
        Assert.Equal(["istio-peer-exchange", "istio"], context.CommonTlsContext.AlpnProtocols);
        Assert.Equal("default", context.CommonTlsContext.TlsCertificateSdsSecretConfigs.Single().Name);
        var validation = context.CommonTlsContext.CombinedValidationContext;
        Assert.Equal("ROOTCA", validation.ValidationContextSdsSecretConfig.Name);
        Assert.Equal(["spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews"], validation.DefaultValidationContext.MatchSubjectAltNames.Select(m => m.Exact));
    }

    [Fact]
    public void A_subset_cluster_names_its_subset_in_sni()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("    loadBalancer: {simple: ROUND_ROBIN}"));

        var context = MeshFixture.OutboundCluster(mesh, "outbound|9080|v1|reviews.bookinfo.svc.cluster.local")
            .TransportSocketMatches[0].TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>();
        Assert.Equal("outbound_.9080_.v1_.reviews.bookinfo.svc.cluster.local", context.Sni);
    }

    [Fact]
    public void Endpoints_of_pods_with_a_sidecar_say_tls_mode_istio()
    {
        var assignment = Endpoints(MeshFixture.Bookinfo()).Single(a => a.ClusterName == Reviews);

        Assert.All(assignment.Endpoints.SelectMany(l => l.LbEndpoints), e => Assert.Equal("istio", TlsMode(e)));
    }

    [Fact]
    public void Endpoints_of_pods_without_a_sidecar_carry_no_tls_mode()
    {
        var mesh = MeshFixture.Bookinfo();
        mesh = new MeshModel(mesh.Resources, mesh.Workloads.Select(w => w.App == "reviews" ? w with { HasSidecar = false } : w).ToList(), 2);

        var assignment = Endpoints(mesh).Single(a => a.ClusterName == Reviews);

        Assert.All(assignment.Endpoints.SelectMany(l => l.LbEndpoints), e => Assert.Null(TlsMode(e)));
    }

    [Fact]
    public void The_pod_label_tls_mode_disabled_turns_auto_mtls_off_for_it()
    {
        var mesh = MeshFixture.Bookinfo();
        mesh = new MeshModel(mesh.Resources, mesh.Workloads.Select(w => w.App == "reviews"
            ? w with { Labels = new Dictionary<string, string>(w.Labels) { ["security.istio.io/tlsMode"] = "disabled" } }
            : w).ToList(), 2);

        Assert.All(Endpoints(mesh).Single(a => a.ClusterName == Reviews).Endpoints.SelectMany(l => l.LbEndpoints), e => Assert.Null(TlsMode(e)));
    }

    [Fact]
    public void Endpoints_whose_peer_authentication_disables_mtls_on_the_target_port_get_plaintext()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              selector: {matchLabels: {app: reviews}}
              portLevelMtls:
                9080: {mode: DISABLE}
            """);

        Assert.All(Endpoints(mesh).Single(a => a.ClusterName == Reviews).Endpoints.SelectMany(l => l.LbEndpoints), e => Assert.Null(TlsMode(e)));
        Assert.All(Endpoints(mesh).Single(a => a.ClusterName == "outbound|9080||ratings.bookinfo.svc.cluster.local").Endpoints.SelectMany(l => l.LbEndpoints),
            e => Assert.Equal("istio", TlsMode(e)));
    }

    [Fact]
    public void The_ingress_gateway_originates_istio_mutual_tls_to_sidecars_too()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), MeshFixture.IngressGateway());

        var productpage = resources.Clusters.Cast<Cluster>().Single(c => c.Name == "outbound|9080||productpage.bookinfo.svc.cluster.local");
        Assert.Equal("tlsMode-istio", productpage.TransportSocketMatches[0].Name);
    }
}
