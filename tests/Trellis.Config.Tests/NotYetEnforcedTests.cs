namespace Trellis.Config.Tests;

/// <summary>Policies Trellis accepts but does not act on yet are reported where they are written, so a
/// user never mistakes an ignored setting for a working one; the configuration still applies.</summary>
public class NotYetEnforcedTests
{
    private static IReadOnlyList<Diagnostic> Notes(string yaml)
    {
        var result = Load.Text(yaml);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Diagnostics.Where(d => d.Code == "TRL0006").ToList();
    }

    [Fact]
    public void Outlier_detection_and_connection_pool_are_noted_at_their_fields()
    {
        var notes = Notes("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
            spec:
              host: reviews
              trafficPolicy:
                loadBalancer:
                  simple: LEAST_REQUEST
                connectionPool:
                  tcp:
                    maxConnections: 100
                outlierDetection:
                  consecutive5xxErrors: 5
              subsets:
              - name: v1
                labels: {version: v1}
                trafficPolicy:
                  tls: {mode: ISTIO_MUTUAL}
            """);
        Assert.Equal(["spec.trafficPolicy.connectionPool", "spec.trafficPolicy.outlierDetection", "spec.subsets[0].trafficPolicy.tls"],
            notes.Select(n => n.FieldPath));
        Assert.All(notes, n => Assert.Equal(Severity.Info, n.Severity));
        var outlier = notes[1];
        Assert.Equal((13, 5), (outlier.Line, outlier.Column));
        Assert.Equal("Outlier detection is accepted, not yet enforced by Trellis", outlier.Message);
    }

    [Fact]
    public void Cors_policy_and_mirroring_are_noted_per_route_and_fault_injection_is_not()
    {
        var notes = Notes("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: ratings
            spec:
              hosts: [ratings]
              http:
              - corsPolicy:
                  allowOrigins:
                  - exact: https://example.com
                fault:
                  abort:
                    httpStatus: 500
                    percentage: {value: 10}
                route:
                - destination: {host: ratings}
              - mirror: {host: ratings-shadow}
                route:
                - destination: {host: ratings}
            """);
        Assert.Equal(["spec.http[0].corsPolicy", "spec.http[1].mirror"], notes.Select(n => n.FieldPath));
    }

    [Fact]
    public void Enforced_settings_raise_no_note() =>
        Assert.Empty(Notes("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
            spec:
              host: reviews
              trafficPolicy:
                loadBalancer:
                  consistentHash:
                    httpHeaderName: end-user
            """));

    [Fact]
    public void A_gateway_server_that_is_not_http_is_noted()
    {
        var notes = Notes("""
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata:
              name: gw
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 443, name: https, protocol: HTTPS}
                hosts: ["*"]
                tls: {mode: SIMPLE, credentialName: cert}
            """);
        Assert.Equal(["spec.servers[0].port.protocol", "spec.servers[0].tls"], notes.Select(n => n.FieldPath));
    }
}
