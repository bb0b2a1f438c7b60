namespace Trellis.Config.Tests.Validation;

/// <summary>Gateway server TLS and VirtualService tls routes, checked as Istio's validation checks them.</summary>
public class GatewayTlsValidationTests
{
    private static string Gateway(string server) => $"""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: istio-system
        spec:
          selector: {"{"}istio: ingressgateway{"}"}
          servers:
        {server}
        """;

    [Fact]
    public void The_seed_https_server_with_a_credential_is_valid() =>
        Assert.Empty(Load.Errors(Gateway("""
              - port: {number: 443, name: https, protocol: HTTPS}
                hosts: ["bookinfo.example.com"]
                tls: {mode: SIMPLE, credentialName: bookinfo-cert, minProtocolVersion: TLSV1_2, cipherSuites: [ECDHE-RSA-AES256-GCM-SHA384]}
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["bookinfo.example.com"]
                tls: {httpsRedirect: true}
            """)));

    [Theory]
    [InlineData("protocol: HTTPS}\n    hosts: [\"a.example.com\"]\n    tls: {mode: SIMPLE}", "spec.servers[0].tls", "SIMPLE TLS needs credentialName, or serverCertificate and privateKey")]
    [InlineData("protocol: HTTPS}\n    hosts: [\"a.example.com\"]\n    tls: {httpsRedirect: true, mode: SIMPLE, credentialName: c}", "spec.servers[0].tls.httpsRedirect", "httpsRedirect applies to plaintext HTTP servers only, not to a HTTPS server")]
    [InlineData("protocol: HTTP}\n    hosts: [\"a.example.com\"]\n    tls: {mode: SIMPLE, credentialName: c}", "spec.servers[0].tls.mode", "a plaintext HTTP server cannot have TLS settings (only httpsRedirect); use protocol HTTPS or TLS")]
    [InlineData("protocol: HTTPS}\n    hosts: [\"a.example.com\"]\n    tls: {mode: SIMPLE, credentialName: c, minProtocolVersion: TLSV1_3, maxProtocolVersion: TLSV1_2}", "spec.servers[0].tls.minProtocolVersion", "minProtocolVersion TLSV1_3 is higher than maxProtocolVersion TLSV1_2")]
    [InlineData("protocol: HTTPS}\n    hosts: [\"a.example.com\"]\n    tls: {mode: SIMPLE, credentialName: c, cipherSuites: [ECDHE-RSA-AES256-GCM-SHA38]}", "spec.servers[0].tls.cipherSuites[0]", "unknown cipher suite \"ECDHE-RSA-AES256-GCM-SHA38\"; did you mean \"ECDHE-RSA-AES256-GCM-SHA384\"?")]
    [InlineData("protocol: HTTPS}\n    hosts: [\"a.example.com\"]\n    tls: {mode: ISTIO_MUTUAL, credentialName: c}", "spec.servers[0].tls", "ISTIO_MUTUAL uses the gateway's workload certificate: it cannot have credentialName, serverCertificate, privateKey or caCertificates")]
    [InlineData("protocol: TLS}\n    hosts: [\"a.example.com\"]", "spec.servers[0].tls.mode", "a TLS server needs tls.mode (SIMPLE, MUTUAL, OPTIONAL_MUTUAL, ISTIO_MUTUAL, PASSTHROUGH or AUTO_PASSTHROUGH)")]
    [InlineData("protocol: HTTPS}\n    hosts: [\"a.example.com\"]\n    tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem}", "spec.servers[0].tls.caCertificates", "MUTUAL TLS with serverCertificate needs caCertificates to verify clients")]
    public void A_bad_server_tls_is_refused_at_its_field(string server, string path, string message)
    {
        var error = Load.SingleError(Gateway($"  - port: {{number: 443, name: p, {server}"));
        Assert.Equal(path, error.FieldPath);
        Assert.Equal(message, error.Message);
    }

    private static string TlsRoute(string match) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: nginx
        spec:
          hosts: ["nginx.example.com"]
          gateways: [mygateway]
          tls:
          - match:
            - {match}
            route:
            - destination: {"{"}host: my-nginx, port: {"{"}number: 443{"}"}{"}"}
        """;

    [Fact]
    public void The_seed_passthrough_route_is_valid() =>
        Assert.Empty(Load.Errors(TlsRoute("{port: 443, sniHosts: [nginx.example.com]}")));

    [Fact]
    public void A_tls_match_without_sni_hosts_is_refused() =>
        Assert.Equal("spec.tls[0].match[0].sniHosts", Load.SingleError(TlsRoute("{port: 443}")).FieldPath);

    [Fact]
    public void An_sni_host_outside_the_virtual_services_hosts_is_refused_with_a_hint()
    {
        var error = Load.SingleError(TlsRoute("{sniHosts: [nginx.exampel.com]}"));
        Assert.Equal("spec.tls[0].match[0].sniHosts[0]", error.FieldPath);
        Assert.Equal("SNI host \"nginx.exampel.com\" is not one of the VirtualService's hosts [nginx.example.com]; did you mean \"nginx.example.com\"?", error.Message);
    }

    [Fact]
    public void A_tls_match_port_out_of_range_is_refused() =>
        Assert.Equal("spec.tls[0].match[0].port", Load.SingleError(TlsRoute("{port: 70000, sniHosts: [nginx.example.com]}")).FieldPath);
}
