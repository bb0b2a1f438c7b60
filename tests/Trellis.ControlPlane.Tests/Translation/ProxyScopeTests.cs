using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>A Sidecar's egress hosts and every kind's exportTo scope what a proxy is sent, as istiod's SidecarScope
/// does; what falls outside meets the outbound traffic policy.</summary>
public sealed class ProxyScopeTests
{
    private const string Details = "outbound|9080||details.bookinfo.svc.cluster.local";
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";

    private static string Sidecar(string name, string ns, string spec) => $$"""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
        {{spec}}
        """;

    private static readonly string ProductpageToDetails = Sidecar("productpage", "bookinfo", """
          workloadSelector:
            labels: {app: productpage}
          egress:
          - hosts: ["./details.bookinfo.svc.cluster.local"]
        """);

    private static ProxyNode Productpage => MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1");

    private static ProxyNode InNamespace(string ns, string app = "sleep") => ProxyNode.From(
        $"sidecar~127.0.0.1~{app}-abc.{ns}~{ns}.svc.cluster.local",
        new Dictionary<string, string> { ["NAMESPACE"] = ns, [ProxyNode.OutboundPortKey] = "15001" },
        new Dictionary<string, string> { ["app"] = app });

    private static ProxyResources Build(ProxyNode node, params string[] yaml) => ProxyConfigBuilder.Build(MeshFixture.Bookinfo(yaml), node);

    private static IReadOnlyList<string> ClusterNamesOf(ProxyResources resources) => resources.Clusters.Cast<Cluster>().Select(c => c.Name).ToList();

    private static RouteConfiguration OutboundRoutes(ProxyResources resources) => resources.Routes.Cast<RouteConfiguration>().Single();

    private static bool Routed(ProxyResources resources, string hostPort) => OutboundRoutes(resources).VirtualHosts.Any(v => v.Name == hostPort);

    [Fact]
    public void Without_a_sidecar_a_proxy_sees_every_service()
    {
        var resources = Build(Productpage);

        Assert.Contains(Reviews, ClusterNamesOf(resources));
        Assert.True(Routed(resources, "reviews.bookinfo.svc.cluster.local:9080"));
    }

    [Fact]
    public void Egress_hosts_leave_out_the_clusters_endpoints_and_routes_of_services_not_imported()
    {
        var resources = Build(Productpage, ProductpageToDetails);

        var clusters = ClusterNamesOf(resources);
        Assert.Contains(Details, clusters);
        Assert.DoesNotContain(clusters, c => c.Contains("reviews") || c.Contains("ratings"));
        Assert.Contains(ClusterNames.Passthrough, clusters);
        Assert.Contains(ClusterNames.BlackHole, clusters);
        Assert.DoesNotContain(resources.Endpoints.Cast<ClusterLoadAssignment>(), e => e.ClusterName.Contains("reviews"));
        Assert.True(Routed(resources, "details.bookinfo.svc.cluster.local:9080"));
        Assert.False(Routed(resources, "reviews.bookinfo.svc.cluster.local:9080"));
    }

    [Fact]
    public void Under_registry_only_a_service_not_imported_gets_istios_502_naming_the_sidecar()
    {
        var blockAll = OutboundRoutes(Build(Productpage, ProductpageToDetails)).VirtualHosts.Last();

        Assert.Equal("block_all", blockAll.Name);
        Assert.All(blockAll.Routes, r => Assert.Equal(502u, r.DirectResponse.Status));
        var reason = blockAll.Routes[0].ResponseHeadersToAdd.Single().Header.Value;
        Assert.Contains("Sidecar bookinfo/productpage imports", reason);
        Assert.Contains("outboundTrafficPolicy is REGISTRY_ONLY", reason);
    }

    [Fact]
    public void The_sidecars_outbound_traffic_policy_overrides_the_mesh_config()
    {
        var allowAny = ProductpageToDetails + "\n  outboundTrafficPolicy: {mode: ALLOW_ANY}\n";
        Assert.Equal("allow_any", OutboundRoutes(Build(Productpage, allowAny)).VirtualHosts.Last().Name);

        var registryOnly = ProductpageToDetails + "\n  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n";
        var meshAllowsAny = OutboundPolicyTests.MeshConfig("ALLOW_ANY");
        var blockAll = OutboundRoutes(Build(Productpage, meshAllowsAny, registryOnly)).VirtualHosts.Last();
        Assert.Equal("block_all", blockAll.Name);
        Assert.Contains("the Sidecar bookinfo/productpage's outboundTrafficPolicy is REGISTRY_ONLY", blockAll.Routes[0].ResponseHeadersToAdd[0].Header.Value);
    }

    [Fact]
    public void A_workload_selected_sidecar_wins_over_the_namespace_default_which_wins_over_the_root_default()
    {
        var rootDefault = Sidecar("default", "istio-system", "  egress:\n  - hosts: [\"./*\"]\n");
        var namespaceDefault = Sidecar("default", "bookinfo", "  egress:\n  - hosts: [\"./ratings.bookinfo.svc.cluster.local\"]\n");

        Assert.Contains(Details, ClusterNamesOf(Build(Productpage, rootDefault, namespaceDefault, ProductpageToDetails)));
        Assert.DoesNotContain(Details, ClusterNamesOf(Build(Productpage, rootDefault, namespaceDefault)));
        Assert.Contains("outbound|9080||ratings.bookinfo.svc.cluster.local", ClusterNamesOf(Build(Productpage, rootDefault, namespaceDefault)));
        // The root default's "." is the workload's own namespace, not istio-system.
        Assert.Contains(Reviews, ClusterNamesOf(Build(Productpage, rootDefault)));
        Assert.DoesNotContain(ClusterNamesOf(Build(InNamespace("other"), rootDefault)), c => c.Contains("bookinfo"));
    }

    [Fact]
    public void Of_two_sidecars_selecting_one_workload_the_oldest_applies()
    {
        var second = Sidecar("productpage-too", "bookinfo", """
              workloadSelector:
                labels: {app: productpage}
              egress:
              - hosts: ["./reviews.bookinfo.svc.cluster.local"]
            """);

        var clusters = ClusterNamesOf(Build(Productpage, ProductpageToDetails, second));

        Assert.Contains(Details, clusters);
        Assert.DoesNotContain(Reviews, clusters);
    }

    [Fact]
    public void An_exclusion_subtracts_from_what_the_other_hosts_import_and_tilde_slash_star_imports_nothing()
    {
        var allButReviews = Sidecar("default", "bookinfo", "  egress:\n  - hosts: [\"*/*\", \"~bookinfo/reviews.bookinfo.svc.cluster.local\"]\n");
        var clusters = ClusterNamesOf(Build(Productpage, allButReviews));
        Assert.Contains(Details, clusters);
        Assert.DoesNotContain(Reviews, clusters);

        var nothing = Sidecar("default", "bookinfo", "  egress:\n  - hosts: [\"~/*\"]\n");
        var resources = Build(Productpage, nothing);
        Assert.Equal([ClusterNames.BlackHole, ClusterNames.Passthrough, ClusterNames.OutboundTunnel, "inbound|9080||"], ClusterNamesOf(resources));
        Assert.DoesNotContain(OutboundRoutes(resources).VirtualHosts, v => v.Name.EndsWith(".svc.cluster.local:9080", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wildcard_dns_name_imports_the_services_it_covers()
    {
        var wildcard = Sidecar("default", "bookinfo", "  egress:\n  - hosts: [\"*/*.bookinfo.svc.cluster.local\"]\n");

        Assert.Contains(Reviews, ClusterNamesOf(Build(InNamespace("other"), wildcard.Replace("namespace: bookinfo", "namespace: other"))));
    }

    [Fact]
    public void An_egress_listener_with_a_port_imports_its_hosts_on_that_port_only()
    {
        var twoPorts = """
            apiVersion: v1
            kind: Service
            metadata: {name: shop, namespace: bookinfo}
            spec:
              ports: [{port: 9080, name: http}, {port: 9090, name: http-admin}]
              selector: {app: shop}
            """;
        var sidecar = Sidecar("default", "bookinfo", """
              egress:
              - port: {number: 9090, protocol: HTTP, name: admin}
                hosts: ["./shop.bookinfo.svc.cluster.local"]
              - hosts: ["./details.bookinfo.svc.cluster.local"]
            """);

        var clusters = ClusterNamesOf(Build(Productpage, twoPorts, sidecar));

        Assert.Contains("outbound|9090||shop.bookinfo.svc.cluster.local", clusters);
        Assert.DoesNotContain("outbound|9080||shop.bookinfo.svc.cluster.local", clusters);
        Assert.Contains(Details, clusters);
    }

    [Fact]
    public void An_imported_virtual_service_brings_the_clusters_of_its_destinations()
    {
        var reviewsToRatings = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: ratings}
            """;
        var sidecar = Sidecar("default", "bookinfo", "  egress:\n  - hosts: [\"./reviews.bookinfo.svc.cluster.local\"]\n");

        var resources = Build(Productpage, reviewsToRatings, sidecar);

        Assert.Contains("outbound|9080||ratings.bookinfo.svc.cluster.local", ClusterNamesOf(resources));
        Assert.False(Routed(resources, "ratings.bookinfo.svc.cluster.local:9080"));
        var reviews = OutboundRoutes(resources).VirtualHosts.Single(v => v.Name == "reviews.bookinfo.svc.cluster.local:9080");
        Assert.Contains(reviews.Routes, r => r.Route_?.Cluster == "outbound|9080||ratings.bookinfo.svc.cluster.local");
    }

    [Fact]
    public void A_service_exported_only_to_its_namespace_is_invisible_elsewhere()
    {
        var yaml = """
            apiVersion: v1
            kind: Service
            metadata:
              name: details
              namespace: bookinfo
              annotations: {networking.istio.io/exportTo: "."}
            spec:
              ports: [{port: 9080, name: http}]
              selector: {app: details}
            """;

        Assert.Contains(Details, ClusterNamesOf(Build(Productpage, yaml)));
        var elsewhere = Build(InNamespace("other"), yaml);
        Assert.DoesNotContain(Details, ClusterNamesOf(elsewhere));
        Assert.False(Routed(elsewhere, "details.bookinfo.svc.cluster.local:9080"));
        Assert.Contains(Reviews, ClusterNamesOf(elsewhere));
    }

    [Fact]
    public void Services_without_the_exportTo_annotation_take_the_mesh_configs_defaultServiceExportTo()
    {
        var meshConfig = MeshFixture.MeshConfig("defaultServiceExportTo: [\".\"]");
        var publicDetails = """
            apiVersion: v1
            kind: Service
            metadata:
              name: details
              namespace: bookinfo
              annotations: {networking.istio.io/exportTo: "*"}
            spec:
              ports: [{port: 9080, name: http}]
              selector: {app: details}
            """;

        var elsewhere = Build(InNamespace("other"), meshConfig);
        Assert.DoesNotContain(Reviews, ClusterNamesOf(elsewhere));
        Assert.False(Routed(elsewhere, "reviews.bookinfo.svc.cluster.local:9080"));
        Assert.Contains(Reviews, ClusterNamesOf(Build(Productpage, meshConfig)));
        // The annotation, where set, wins over the default.
        Assert.Contains(Details, ClusterNamesOf(Build(InNamespace("other"), meshConfig, publicDetails)));
    }

    [Fact]
    public void Service_entries_without_exportTo_take_the_mesh_configs_defaultServiceExportTo()
    {
        var meshConfig = MeshFixture.MeshConfig("defaultServiceExportTo: [\".\"]");
        var entry = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ledger, namespace: bookinfo}
            spec:
              hosts: [ledger.example.com]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: DNS
            """;

        Assert.True(Routed(Build(Productpage, meshConfig, entry), "ledger.example.com:80"));
        Assert.False(Routed(Build(InNamespace("other"), meshConfig, entry), "ledger.example.com:80"));
    }

    [Fact]
    public void Virtual_services_without_exportTo_take_the_mesh_configs_defaultVirtualServiceExportTo()
    {
        var meshConfig = MeshFixture.MeshConfig("defaultVirtualServiceExportTo: [\".\"]");
        var toV1 = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews, subset: v1}
            """;

        static string ClusterOfReviews(ProxyResources r) =>
            OutboundRoutes(r).VirtualHosts.Single(v => v.Name == "reviews.bookinfo.svc.cluster.local:9080").Routes.Last().Route_.Cluster;

        Assert.Equal("outbound|9080|v1|reviews.bookinfo.svc.cluster.local", ClusterOfReviews(Build(Productpage, meshConfig, toV1)));
        Assert.Equal(Reviews, ClusterOfReviews(Build(InNamespace("other"), meshConfig, toV1)));

        // A gateway in istio-system sees the bookinfo gateway's VirtualService no more.
        Assert.Empty(Build(MeshFixture.IngressGateway(), meshConfig).Routes.Cast<RouteConfiguration>().Single().VirtualHosts);
    }

    [Fact]
    public void A_virtual_service_shapes_only_the_namespaces_it_is_exported_to()
    {
        var privateRoute = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              exportTo: ["."]
              http:
              - route:
                - destination: {host: reviews, subset: v1}
            """;

        static string ClusterOfReviews(ProxyResources r) =>
            OutboundRoutes(r).VirtualHosts.Single(v => v.Name == "reviews.bookinfo.svc.cluster.local:9080").Routes.Last().Route_.Cluster;

        Assert.Equal("outbound|9080|v1|reviews.bookinfo.svc.cluster.local", ClusterOfReviews(Build(Productpage, privateRoute)));
        Assert.Equal(Reviews, ClusterOfReviews(Build(InNamespace("other"), privateRoute)));
    }

    [Fact]
    public void A_service_entry_host_is_a_destination_only_when_the_sidecar_imports_it()
    {
        var entry = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ledger, namespace: bookinfo}
            spec:
              hosts: [ledger.example.com]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: DNS
            """;
        var withLedger = Sidecar("default", "bookinfo", "  egress:\n  - hosts: [\"*/ledger.example.com\"]\n");

        Assert.True(Routed(Build(Productpage, entry, withLedger), "ledger.example.com:80"));
        Assert.False(Routed(Build(Productpage, entry, ProductpageToDetails), "ledger.example.com:80"));
    }

    [Fact]
    public void A_gateway_takes_no_sidecar_but_sees_only_virtual_services_exported_to_its_namespace()
    {
        var everyNamespaceNothing = Sidecar("default", "istio-system", "  egress:\n  - hosts: [\"~/*\"]\n");
        var gateway = Build(MeshFixture.IngressGateway(), everyNamespaceNothing);
        Assert.Contains("outbound|9080||productpage.bookinfo.svc.cluster.local", ClusterNamesOf(gateway));
        Assert.NotEmpty(gateway.Routes.Cast<RouteConfiguration>().Single().VirtualHosts);

        var yaml = File.ReadAllText(Path.Combine(MeshFixture.RepoRoot, "samples", "bookinfo", "bookinfo-gateway.yaml"))
            .Split("\n---\n")[1].Replace("spec:\n", "spec:\n  exportTo: [\".\"]\n");
        Assert.Empty(Build(MeshFixture.IngressGateway(), yaml).Routes.Cast<RouteConfiguration>().Single().VirtualHosts);
    }

    [Fact]
    public void Proxies_in_one_scope_share_their_outbound_clusters_and_other_scopes_do_not()
    {
        var mesh = MeshFixture.Bookinfo(ProductpageToDetails);
        var outbound = OutboundResources.For(mesh);
        var reviewsPod = MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1");
        var otherProductpage = MeshFixture.Sidecar("productpage-v1-xyz", "productpage", "v1");

        var first = outbound.For(Productpage, ProxyScope.For(mesh, Productpage));
        Assert.Same(first, outbound.For(otherProductpage, ProxyScope.For(mesh, otherProductpage)));
        Assert.NotSame(first, outbound.For(reviewsPod, ProxyScope.For(mesh, reviewsPod)));
        Assert.Contains(outbound.For(reviewsPod, ProxyScope.For(mesh, reviewsPod)).ClusterSet.Ordered, c => c.Name == Reviews);
    }
}
