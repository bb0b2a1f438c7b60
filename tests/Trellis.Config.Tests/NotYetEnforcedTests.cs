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
    public void Locality_load_balancing_is_noted_at_its_field_and_client_tls_is_not()
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
                  localityLbSetting:
                    enabled: true
                connectionPool:
                  tcp:
                    maxConnections: 100
              subsets:
              - name: v1
                labels: {version: v1}
                trafficPolicy:
                  tls: {mode: ISTIO_MUTUAL}
            """);
        Assert.Equal(["spec.trafficPolicy.loadBalancer.localityLbSetting"], notes.Select(n => n.FieldPath));
        Assert.All(notes, n => Assert.Equal(Severity.Info, n.Severity));
        var locality = notes[0];
        Assert.Equal((10, 7), (locality.Line, locality.Column));
        Assert.Equal("Locality load balancing is accepted, not yet enforced by Trellis", locality.Message);
    }

    [Fact]
    public void Outlier_detection_raises_no_note_wherever_it_is_written()
    {
        Assert.Empty(Notes("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
            spec:
              host: reviews
              trafficPolicy:
                outlierDetection:
                  consecutive5xxErrors: 5
                  consecutiveGatewayErrors: 3
                  interval: 30s
                  baseEjectionTime: 30s
                  maxEjectionPercent: 50
                  minHealthPercent: 0
                  splitExternalLocalOriginErrors: true
                  consecutiveLocalOriginFailures: 2
                portLevelSettings:
                - port: {number: 9080}
                  outlierDetection: {consecutive5xxErrors: 2}
              subsets:
              - name: v1
                labels: {version: v1}
                trafficPolicy:
                  outlierDetection: {consecutiveGatewayErrors: 1}
                  portLevelSettings:
                  - port: {number: 9080}
                    outlierDetection: {consecutive5xxErrors: 1}
            """));
    }

    [Fact]
    public void Enforced_connection_pool_limits_raise_no_note()
    {
        Assert.Empty(Notes("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
            spec:
              host: reviews
              trafficPolicy:
                connectionPool:
                  tcp:
                    maxConnections: 1
                    connectTimeout: 250ms
                  http:
                    http1MaxPendingRequests: 1
                    http2MaxRequests: 10
                    maxRetries: 3
                    idleTimeout: 30s
                portLevelSettings:
                - port: {number: 9080}
                  connectionPool:
                    tcp: {maxConnections: 2}
              subsets:
              - name: v1
                labels: {version: v1}
                trafficPolicy:
                  connectionPool:
                    http: {http2MaxRequests: 5}
            """));
    }

    [Fact]
    public void No_connection_pool_field_is_noted_now_the_proxy_enforces_them_all()
    {
        var notes = Notes("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
            spec:
              host: reviews
              trafficPolicy:
                connectionPool:
                  tcp:
                    maxConnections: 1
                    tcpKeepalive: {time: 7200s, interval: 75s}
                    maxConnectionDuration: 1h
                    idleTimeout: 1h
                  http:
                    http1MaxPendingRequests: 1
                    maxRequestsPerConnection: 1
                    h2UpgradePolicy: UPGRADE
                    useClientProtocol: true
                    maxConcurrentStreams: 100
                portLevelSettings:
                - port: {number: 9080}
                  connectionPool:
                    tcp: {maxConnections: 2, idleTimeout: 10m}
                    http: {maxRequestsPerConnection: 5}
              subsets:
              - name: v1
                labels: {version: v1}
                trafficPolicy:
                  connectionPool:
                    tcp: {tcpKeepalive: {probes: 3}}
            """);
        Assert.Empty(notes);
    }

    [Fact]
    public void Cors_policy_is_noted_per_route_and_mirroring_and_fault_injection_are_not()
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
        Assert.Equal(["spec.http[0].corsPolicy"], notes.Select(n => n.FieldPath));
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
    public void Gateway_https_and_tcp_servers_are_served_and_not_noted_but_auto_passthrough_is()
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
              - port: {number: 15443, name: tls, protocol: TLS}
                hosts: ["*.local"]
                tls: {mode: AUTO_PASSTHROUGH}
              - port: {number: 31400, name: tcp, protocol: TCP}
                hosts: ["*"]
            """);
        Assert.Equal(["spec.servers[1].tls.mode"], notes.Select(n => n.FieldPath));
    }

    [Fact]
    public void A_service_entrys_endpoints_are_noted_because_its_hosts_pass_through_as_named()
    {
        var notes = Notes("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: ledger
            spec:
              hosts: [ledger.example.com]
              ports: [{number: 443, name: tls, protocol: TLS}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.7}]
            """);
        var note = Assert.Single(notes);
        Assert.Equal("spec.endpoints", note.FieldPath);
        Assert.Contains("the sidecar connects to the host the app named", note.Message);
    }
}
