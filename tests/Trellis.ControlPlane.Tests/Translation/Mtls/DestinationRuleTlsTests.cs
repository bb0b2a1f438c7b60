using Envoy.Extensions.TransportSockets.Tls.V3;

namespace Trellis.ControlPlane.Tests.Translation.Mtls;

/// <summary>A DestinationRule's tls decides the cluster's transport socket and turns auto mTLS off, for the whole
/// rule, a port or a subset, with Istio's merge (a subset or port entry replaces the rule's tls).</summary>
public sealed class DestinationRuleTlsTests
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private const string ReviewsV1 = "outbound|9080|v1|reviews.bookinfo.svc.cluster.local";

    private static UpstreamTlsContext Context(Envoy.Config.Cluster.V3.Cluster cluster) => cluster.TransportSocket.TypedConfig.Unpack<UpstreamTlsContext>();

    [Fact]
    public void Disable_sends_plaintext_without_socket_matches()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("    tls: {mode: DISABLE}")), Reviews);

        Assert.Null(cluster.TransportSocket);
        Assert.Empty(cluster.TransportSocketMatches);
    }

    [Fact]
    public void Explicit_istio_mutual_applies_to_every_endpoint_with_the_rule_sni_and_sans()
    {
        var cluster = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(
            "    tls: {mode: ISTIO_MUTUAL, sni: reviews.custom, subjectAltNames: [spiffe://cluster.local/ns/bookinfo/sa/custom]}")), Reviews);

        Assert.Empty(cluster.TransportSocketMatches);
        var context = Context(cluster);
        Assert.Equal("reviews.custom", context.Sni);
        Assert.Equal("default", context.CommonTlsContext.TlsCertificateSdsSecretConfigs.Single().Name);
        Assert.Equal(["spiffe://cluster.local/ns/bookinfo/sa/custom"],
            context.CommonTlsContext.CombinedValidationContext.DefaultValidationContext.MatchSubjectAltNames.Select(m => m.Exact));
    }

    [Fact]
    public void Simple_verifies_the_server_against_the_named_ca()
    {
        var context = Context(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(
            "    tls: {mode: SIMPLE, caCertificates: /etc/certs/ca.pem, sni: reviews.example.com, subjectAltNames: [reviews.example.com]}")), Reviews));

        Assert.Equal("reviews.example.com", context.Sni);
        var validation = context.CommonTlsContext.ValidationContext;
        Assert.Equal("/etc/certs/ca.pem", validation.TrustedCa.Filename);
        Assert.Equal("reviews.example.com", validation.MatchSubjectAltNames.Single().Exact);
        Assert.Empty(context.CommonTlsContext.TlsCertificates);
    }

    [Fact]
    public void Simple_without_a_ca_still_verifies_against_the_system_bundle()
    {
        var context = Context(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("    tls: {mode: SIMPLE}")), Reviews));

        Assert.False(string.IsNullOrEmpty(context.CommonTlsContext.ValidationContext.TrustedCa.Filename));
    }

    [Fact]
    public void Insecure_skip_verify_leaves_out_the_validation_context()
    {
        var context = Context(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("    tls: {mode: SIMPLE, insecureSkipVerify: true}")), Reviews));

        Assert.Null(context.CommonTlsContext.ValidationContext);
        Assert.Null(context.CommonTlsContext.CombinedValidationContext);
    }

    [Fact]
    public void Mutual_with_files_presents_the_client_certificate()
    {
        var context = Context(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(
            "    tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem}")), Reviews));

        var certificate = context.CommonTlsContext.TlsCertificates.Single();
        Assert.Equal("/c.pem", certificate.CertificateChain.Filename);
        Assert.Equal("/k.pem", certificate.PrivateKey.Filename);
        Assert.Equal("/ca.pem", context.CommonTlsContext.ValidationContext.TrustedCa.Filename);
    }

    [Fact]
    public void Mutual_with_a_credential_name_reads_both_secrets_over_sds()
    {
        var context = Context(MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(
            "    tls: {mode: MUTUAL, credentialName: reviews-client}")), Reviews));

        Assert.Equal("kubernetes://reviews-client", context.CommonTlsContext.TlsCertificateSdsSecretConfigs.Single().Name);
        Assert.Equal("kubernetes://reviews-client-cacert", context.CommonTlsContext.CombinedValidationContext.ValidationContextSdsSecretConfig.Name);
    }

    [Fact]
    public void A_subset_tls_replaces_the_rule_tls_for_that_subset_only()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("    tls: {mode: ISTIO_MUTUAL}",
            "  - {name: v2, labels: {version: v2}, trafficPolicy: {tls: {mode: DISABLE}}}"));

        Assert.NotNull(MeshFixture.OutboundCluster(mesh, ReviewsV1).TransportSocket);
        Assert.Null(MeshFixture.OutboundCluster(mesh, "outbound|9080|v2|reviews.bookinfo.svc.cluster.local").TransportSocket);
    }

    [Fact]
    public void A_port_level_entry_without_tls_brings_auto_mtls_back_on_its_port()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                tls: {mode: DISABLE}
                portLevelSettings:
                - port: {number: 9080}
                  loadBalancer: {simple: RANDOM}
            """));

        Assert.Equal("tlsMode-istio", MeshFixture.OutboundCluster(mesh, Reviews).TransportSocketMatches[0].Name);
    }
}
