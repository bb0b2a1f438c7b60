using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.ControlPlane.Translation;
using TcpProxyConfig = Envoy.Extensions.Filters.Network.TcpProxy.V3.TcpProxy;

namespace Trellis.ControlPlane.Tests.Translation.Gateway;

/// <summary>The seeds' HTTPS gateway (SIMPLE with credentialName plus an httpsRedirect HTTP server) and Istio's
/// PASSTHROUGH example, translated for the ingress gateway.</summary>
public sealed class GatewaySecureServersTests
{
    private const string ProductionGateway = """
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata: {name: production-gateway, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 443, name: https, protocol: HTTPS}
            tls: {mode: SIMPLE, credentialName: production-tls-cert}
            hosts: ["api.example.com", "app.example.com"]
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: ["*.example.com"]
            tls: {httpsRedirect: true}
        """;

    private const string AppRoutes = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: app, namespace: bookinfo}
        spec:
          hosts: ["app.example.com"]
          gateways: [istio-system/production-gateway]
          http:
          - route:
            - destination: {host: productpage, port: {number: 9080}}
        """;

    private const string PassthroughGateway = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: mygateway, namespace: bookinfo}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 443, name: https, protocol: TLS}
            tls: {mode: PASSTHROUGH}
            hosts: ["nginx.example.com"]
        """;

    private const string NginxRoute = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: nginx, namespace: bookinfo}
        spec:
          hosts: ["nginx.example.com"]
          gateways: [mygateway]
          tls:
          - match:
            - port: 443
              sniHosts: ["nginx.example.com"]
            route:
            - destination: {host: productpage, port: {number: 9080}}
        """;

    private static ProxyNode Gateway(string ns = "istio-system") => ProxyNode.From(
        $"router~127.0.0.1~istio-ingressgateway-abc.{ns}~{ns}.svc.cluster.local",
        new Dictionary<string, string> { ["NAMESPACE"] = ns, [ProxyNode.HttpPortKey] = "8080", [ProxyNode.HttpsPortKey] = "8443" },
        new Dictionary<string, string> { ["istio"] = "ingressgateway" });

    private static string Cert => TestCertificates.TlsSecret("production-tls-cert", "istio-system", TestCertificates.Create("app.example.com"));

    [Fact]
    public void Unnamed_servers_of_one_gateway_on_one_port_get_distinct_filter_chains()
    {
        const string twoServers = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: more-servers, namespace: istio-system}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 443, name: https-a, protocol: HTTPS}
                tls: {mode: SIMPLE, credentialName: production-tls-cert}
                hosts: ["a.example.com"]
              - port: {number: 443, name: https-b, protocol: HTTPS}
                tls: {mode: SIMPLE, credentialName: production-tls-cert}
                hosts: ["b.example.com"]
            """;

        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(twoServers, Cert), Gateway());

        var names = resources.Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Select(c => c.Name).ToList();
        Assert.Equal(["istio-system/more-servers/servers[0]/443", "istio-system/more-servers/servers[1]/443"], names);
    }

    [Fact]
    public void An_https_server_becomes_an_sni_chain_terminating_tls_with_its_credential_then_its_routes()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(ProductionGateway, AppRoutes, Cert), Gateway());

        var listener = resources.Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443");
        Assert.Equal(8443u, listener.Address.SocketAddress.PortValue);
        Assert.Equal("envoy.filters.listener.tls_inspector", listener.ListenerFilters.Single().Name);
        var chain = listener.FilterChains.Single();
        Assert.Equal(["api.example.com", "app.example.com"], chain.FilterChainMatch.ServerNames);
        Assert.Equal("envoy.transport_sockets.tls", chain.TransportSocket.Name);
        var tls = chain.TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>();
        Assert.Equal("kubernetes://production-tls-cert", tls.CommonTlsContext.TlsCertificateSdsSecretConfigs.Single().Name);
        Assert.NotNull(tls.CommonTlsContext.TlsCertificateSdsSecretConfigs.Single().SdsConfig.Ads);
        Assert.Equal(["h2", "http/1.1"], tls.CommonTlsContext.AlpnProtocols);
        Assert.False(tls.RequireClientCertificate);
        Assert.Null(tls.CommonTlsContext.CombinedValidationContext);
        var hcm = chain.Filters.Single().TypedConfig.Unpack<HttpConnectionManager>();
        Assert.Equal("https.443.https.production-gateway.istio-system", hcm.Rds.RouteConfigName);
        var routes = resources.Routes.Cast<RouteConfiguration>().Single(r => r.Name == hcm.Rds.RouteConfigName);
        var vhost = routes.VirtualHosts.Single();
        Assert.Equal(["app.example.com", "app.example.com:*"], vhost.Domains);
        Assert.Equal("outbound|9080||productpage.bookinfo.svc.cluster.local", vhost.Routes.Single().Route_.Cluster);
        Assert.Empty(resources.Problems);
    }

    [Fact]
    public void The_credential_is_served_as_an_sds_secret_with_the_pem_bytes()
    {
        var pair = TestCertificates.Create("app.example.com");
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(ProductionGateway, TestCertificates.TlsSecret("production-tls-cert", "istio-system", pair)), Gateway());

        var secret = resources.Secrets.Cast<Secret>().Single();
        Assert.Equal("kubernetes://production-tls-cert", secret.Name);
        Assert.Equal(pair.Cert, secret.TlsCertificate.CertificateChain.InlineBytes.ToStringUtf8());
        Assert.Equal(pair.Key, secret.TlsCertificate.PrivateKey.InlineBytes.ToStringUtf8());
    }

    [Fact]
    public void A_gateway_of_another_namespace_never_gets_the_secret()
    {
        // The same Gateway selects a router in namespace "edge": the Secret lives in istio-system, so nothing is served.
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(ProductionGateway, AppRoutes, Cert), Gateway("edge"));

        Assert.Empty(resources.Secrets);
        Assert.DoesNotContain(resources.Listeners.Cast<Listener>(), l => l.Name == "0.0.0.0_8443");
        Assert.Contains(resources.Problems, p => p.Contains("no Secret \"production-tls-cert\" in namespace edge"));
    }

    [Fact]
    public void A_sidecar_never_gets_a_secret()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(ProductionGateway, AppRoutes, Cert), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

        Assert.Empty(resources.Secrets);
    }

    [Theory]
    [InlineData("", "no Secret \"production-tls-cert\" in namespace istio-system")]
    [InlineData("broken", "does not hold a PEM certificate chain and its matching private key")]
    [InlineData("no-key", "needs tls.crt and tls.key (or cert and key)")]
    public void A_missing_or_bad_secret_leaves_the_server_out_and_says_why_without_the_key(string variant, string reason)
    {
        var pair = TestCertificates.Create("app.example.com");
        string[] extra = variant switch
        {
            "broken" => [TestCertificates.TlsSecret("production-tls-cert", "istio-system", (pair.Cert, TestCertificates.Create("x").Key))],
            "no-key" => [TestCertificates.GenericSecret("production-tls-cert", "istio-system", "cert", pair.Cert)],
            _ => [],
        };
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo([ProductionGateway, AppRoutes, .. extra]), Gateway());

        Assert.DoesNotContain(resources.Listeners.Cast<Listener>(), l => l.Name == "0.0.0.0_8443");
        Assert.Empty(resources.Secrets);
        var problem = Assert.Single(resources.Problems);
        Assert.Contains("Gateway istio-system/production-gateway spec.servers[0]: not served", problem);
        Assert.Contains(reason, problem);
        Assert.DoesNotContain("PRIVATE KEY", problem);
        // The HTTP server keeps working.
        Assert.Contains(resources.Listeners.Cast<Listener>(), l => l.Name == "0.0.0.0_8080");
    }

    [Fact]
    public void An_https_redirect_server_answers_its_hosts_with_a_redirect_to_the_https_port()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(ProductionGateway, AppRoutes, Cert), Gateway());

        var http = resources.Routes.Cast<RouteConfiguration>().Single(r => r.Name == "http.8080");
        var vhost = http.VirtualHosts.Single(v => v.Domains.Contains("*.example.com"));
        var redirect = vhost.Routes.Single().Redirect;
        Assert.True(redirect.HttpsRedirect);
        Assert.Equal(8443u, redirect.PortRedirect);
    }

    [Fact]
    public void Mutual_tls_verifies_clients_with_the_cacert_secret_and_requires_a_certificate()
    {
        var mutual = ProductionGateway.Replace("mode: SIMPLE", "mode: MUTUAL, subjectAltNames: [client.example.com], minProtocolVersion: TLSV1_2, maxProtocolVersion: TLSV1_3, cipherSuites: [ECDHE-ECDSA-AES256-GCM-SHA384]");
        var ca = TestCertificates.Create("ca");
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(mutual, AppRoutes, Cert,
            TestCertificates.GenericSecret("production-tls-cert-cacert", "istio-system", "cacert", ca.Cert)), Gateway());

        var tls = resources.Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Single().TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>();
        Assert.True(tls.RequireClientCertificate);
        var validation = tls.CommonTlsContext.CombinedValidationContext;
        Assert.Equal("kubernetes://production-tls-cert-cacert", validation.ValidationContextSdsSecretConfig.Name);
        Assert.Equal("client.example.com", validation.DefaultValidationContext.MatchSubjectAltNames.Single().Exact);
        Assert.Equal(TlsParameters.Types.TlsProtocol.Tlsv12, tls.CommonTlsContext.TlsParams.TlsMinimumProtocolVersion);
        Assert.Equal(TlsParameters.Types.TlsProtocol.Tlsv13, tls.CommonTlsContext.TlsParams.TlsMaximumProtocolVersion);
        Assert.Equal(["ECDHE-ECDSA-AES256-GCM-SHA384"], tls.CommonTlsContext.TlsParams.CipherSuites);
        var secret = resources.Secrets.Cast<Secret>().Single(s => s.Name == "kubernetes://production-tls-cert-cacert");
        Assert.Equal(ca.Cert, secret.ValidationContext.TrustedCa.InlineBytes.ToStringUtf8());
    }

    [Fact]
    public void Mutual_tls_without_any_ca_is_not_served()
    {
        var mutual = ProductionGateway.Replace("mode: SIMPLE", "mode: MUTUAL");
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(mutual, AppRoutes, Cert), Gateway());

        Assert.DoesNotContain(resources.Listeners.Cast<Listener>(), l => l.Name == "0.0.0.0_8443");
        Assert.Contains("MUTUAL TLS needs a CA to verify clients", Assert.Single(resources.Problems));
    }

    [Fact]
    public void Istio_mutual_uses_the_workload_certificate_and_the_mesh_root()
    {
        var istioMutual = ProductionGateway.Replace("mode: SIMPLE, credentialName: production-tls-cert", "mode: ISTIO_MUTUAL");
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(istioMutual, AppRoutes), Gateway());

        var tls = resources.Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Single().TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>();
        Assert.Equal("default", tls.CommonTlsContext.TlsCertificateSdsSecretConfigs.Single().Name);
        Assert.Equal("ROOTCA", tls.CommonTlsContext.CombinedValidationContext.ValidationContextSdsSecretConfig.Name);
        Assert.True(tls.RequireClientCertificate);
    }

    [Fact]
    public void A_passthrough_server_forwards_each_sni_of_its_tls_routes_with_tcp_proxy_and_no_termination()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(PassthroughGateway, NginxRoute), Gateway());

        var chain = resources.Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Single();
        Assert.Equal(["nginx.example.com"], chain.FilterChainMatch.ServerNames);
        Assert.Null(chain.TransportSocket);
        var filter = chain.Filters.Single();
        Assert.Equal("envoy.filters.network.tcp_proxy", filter.Name);
        var tcp = filter.TypedConfig.Unpack<TcpProxyConfig>();
        Assert.Equal("outbound|9080||productpage.bookinfo.svc.cluster.local", tcp.Cluster);
        // productpage's endpoints are sidecars: the bytes reach its app through a CONNECT its sidecar ends.
        Assert.Equal("productpage.bookinfo.svc.cluster.local:9080", tcp.TunnelingConfig.Hostname);
        Assert.Empty(resources.Secrets);
    }

    [Fact]
    public void An_https_server_in_passthrough_is_a_tls_server_as_in_istios_example()
    {
        var https = PassthroughGateway.Replace("protocol: TLS", "protocol: HTTPS");
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(https, NginxRoute), Gateway());

        var chain = resources.Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Single();
        Assert.Null(chain.TransportSocket);
        Assert.Equal("envoy.filters.network.tcp_proxy", chain.Filters.Single().Name);
    }

    [Fact]
    public void A_tls_route_for_another_port_or_sni_is_not_forwarded()
    {
        var elsewhere = NginxRoute.Replace("port: 443", "port: 8443");
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(PassthroughGateway, elsewhere), Gateway());

        Assert.DoesNotContain(resources.Listeners.Cast<Listener>(), l => l.Name == "0.0.0.0_8443");
        Assert.Contains("no VirtualService tls route matches", Assert.Single(resources.Problems));
    }

    [Fact]
    public void Weighted_tls_destinations_become_weighted_clusters()
    {
        var split = NginxRoute.Replace("""
                route:
                - destination: {host: productpage, port: {number: 9080}}
            """, """
                route:
                - destination: {host: productpage, port: {number: 9080}}
                  weight: 80
                - destination: {host: details, port: {number: 9080}}
                  weight: 20
            """);
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(PassthroughGateway, split), Gateway());

        var tcp = resources.Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Single().Filters.Single().TypedConfig.Unpack<TcpProxyConfig>();
        Assert.Equal([("outbound|9080||productpage.bookinfo.svc.cluster.local", 80u), ("outbound|9080||details.bookinfo.svc.cluster.local", 20u)],
            tcp.WeightedClusters.Clusters.Select(c => (c.Name, c.Weight)));
    }

    [Fact]
    public void The_first_destinations_rule_bounds_how_long_forwarded_connections_idle_and_live()
    {
        var rules = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: productpage, namespace: bookinfo}
            spec:
              host: productpage
              trafficPolicy:
                connectionPool:
                  tcp: {idleTimeout: 2m, maxConnectionDuration: 1h}
            """;
        var tcp = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(PassthroughGateway, NginxRoute, rules), Gateway())
            .Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Single().Filters.Single().TypedConfig.Unpack<TcpProxyConfig>();
        Assert.Equal(TimeSpan.FromMinutes(2), tcp.IdleTimeout.ToTimeSpan());
        Assert.Equal(TimeSpan.FromHours(1), tcp.MaxDownstreamConnectionDuration.ToTimeSpan());

        var unbounded = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(PassthroughGateway, NginxRoute), Gateway())
            .Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Single().Filters.Single().TypedConfig.Unpack<TcpProxyConfig>();
        Assert.Null(unbounded.IdleTimeout);
        Assert.Null(unbounded.MaxDownstreamConnectionDuration);
    }

    [Fact]
    public void A_simple_tls_server_terminates_and_forwards_the_tcp_route()
    {
        var terminated = PassthroughGateway.Replace("tls: {mode: PASSTHROUGH}", "tls: {mode: SIMPLE, credentialName: nginx-cert}");
        var tcpRoute = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: nginx, namespace: bookinfo}
            spec:
              hosts: ["nginx.example.com"]
              gateways: [mygateway]
              tcp:
              - match: [{port: 443}]
                route:
                - destination: {host: productpage, port: {number: 9080}}
            """;
        var secret = TestCertificates.TlsSecret("nginx-cert", "istio-system", TestCertificates.Create("nginx.example.com"));
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(terminated, tcpRoute, secret), Gateway());

        var chain = resources.Listeners.Cast<Listener>().Single(l => l.Name == "0.0.0.0_8443").FilterChains.Single();
        var tls = chain.TransportSocket.TypedConfig.Unpack<DownstreamTlsContext>();
        Assert.Empty(tls.CommonTlsContext.AlpnProtocols);
        Assert.Equal("kubernetes://nginx-cert", tls.CommonTlsContext.TlsCertificateSdsSecretConfigs.Single().Name);
        Assert.Equal("envoy.filters.network.tcp_proxy", chain.Filters.Single().Name);
    }
}
