using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>The mesh config's outboundTrafficPolicy becomes the tail of a sidecar's outbound route table:
/// refusals for the mesh's own ports, passthrough for ServiceEntry hosts, then block_all or allow_any.</summary>
public sealed class OutboundPolicyTests
{
    public static string MeshConfig(string mode, bool gatewayReasons = false) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata: {"{"}name: istio, namespace: istio-system{"}"}
        data:
          mesh: |
            outboundTrafficPolicy:
              mode: {mode}
            defaultConfig:
              proxyMetadata:
                TRELLIS_GATEWAY_REASONS: "{(gatewayReasons ? "true" : "false")}"
        """;

    private const string ExternalApi = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ledger, namespace: bookinfo}
        spec:
          hosts: [ledger.example.com]
          ports: [{number: 443, name: tls, protocol: TLS}, {number: 80, name: http, protocol: HTTP}]
          resolution: DNS
        """;

    private static readonly ReservedPorts ControlPlanePorts = new(new Dictionary<int, string>
    {
        [15010] = "the control plane's xDS port",
        [15014] = "the control plane's API port",
    });

    private static RouteConfiguration Outbound(MeshModel mesh, string ns = "bookinfo") =>
        MeshRouteTranslator.Outbound(new MeshModel(mesh.Resources, mesh.Workloads, 1, ControlPlanePorts),
            ns == "bookinfo" ? MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1") : Trellis.ControlPlane.Translation.ProxyNode.From(
                $"sidecar~127.0.0.1~other-abc.{ns}~{ns}.svc.cluster.local", new Dictionary<string, string> { ["NAMESPACE"] = ns }, new Dictionary<string, string>()));

    private static bool IsConnect(Route r) => r.Match.PathSpecifierCase == RouteMatch.PathSpecifierOneofCase.ConnectMatcher;

    [Fact]
    public void Without_a_mesh_config_unknown_destinations_get_istios_502_that_says_why()
    {
        var last = Outbound(MeshFixture.Bookinfo()).VirtualHosts.Last();

        Assert.Equal("block_all", last.Name);
        Assert.Equal(["*"], last.Domains);
        Assert.Equal(2, last.Routes.Count);
        Assert.All(last.Routes, r =>
        {
            Assert.Equal(502u, r.DirectResponse.Status);
            var reason = Assert.Single(r.ResponseHeadersToAdd).Header;
            Assert.Equal("x-trellis-reason", reason.Key);
            Assert.Contains("outboundTrafficPolicy is REGISTRY_ONLY", reason.Value);
        });
        Assert.Contains(last.Routes, IsConnect);
    }

    [Fact]
    public void Allow_any_passes_unknown_destinations_through_the_passthrough_cluster()
    {
        var last = Outbound(MeshFixture.Bookinfo(MeshConfig("ALLOW_ANY"))).VirtualHosts.Last();

        Assert.Equal("allow_any", last.Name);
        Assert.Equal(["*"], last.Domains);
        Assert.All(last.Routes, r => Assert.Equal(ClusterNames.Passthrough, r.Route_.Cluster));
    }

    [Theory]
    [InlineData("ALLOW_ANY")]
    [InlineData("REGISTRY_ONLY")]
    public void The_control_planes_ports_are_refused_whatever_the_mode(string mode)
    {
        var routes = Outbound(MeshFixture.Bookinfo(MeshConfig(mode)));

        var api = routes.VirtualHosts.Single(v => v.Name == "reserved_15014");
        Assert.Contains("127.0.0.1:15014", api.Domains);
        Assert.Contains("localhost:15014", api.Domains);
        Assert.Contains("[::1]:15014", api.Domains);
        Assert.All(api.Routes, r => Assert.Equal(403u, r.DirectResponse.Status));
        Assert.Contains("the control plane's API port", api.Routes[0].ResponseHeadersToAdd[0].Header.Value);
        Assert.Contains(routes.VirtualHosts, v => v.Name == "reserved_15010");
    }

    private static readonly ReservedPorts PodPorts = new(new Dictionary<int, string> { [15014] = "the control plane's API port" },
        new Dictionary<int, string> { [31000] = "a pod's app port, behind its sidecar", [31001] = "a proxy's admin port" });

    [Fact]
    public void Under_allow_any_pods_ports_are_refused_by_one_virtual_host_for_every_spelling_of_this_machine()
    {
        var mesh = MeshFixture.Bookinfo(MeshConfig("ALLOW_ANY"));
        var routes = MeshRouteTranslator.Outbound(new MeshModel(mesh.Resources, mesh.Workloads, 1, PodPorts), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

        var refused = routes.VirtualHosts.Single(v => v.Name == "reserved_pod_ports");
        Assert.Equal(10, refused.Domains.Count);
        Assert.Contains("127.0.0.1:31000", refused.Domains);
        Assert.Contains("[::]:31001", refused.Domains);
        Assert.All(refused.Routes, r => Assert.Equal(403u, r.DirectResponse.Status));
        Assert.Contains("a pod's own", refused.Routes[0].ResponseHeadersToAdd[0].Header.Value);
        // The control plane's ports keep a host each, whose reason names the port.
        Assert.Contains(routes.VirtualHosts, v => v.Name == "reserved_15014");
        Assert.DoesNotContain(routes.VirtualHosts, v => v.Name == "reserved_31000");
    }

    [Fact]
    public void Under_registry_only_pods_ports_are_left_to_block_all_which_refuses_them_as_it_refuses_any_other_destination()
    {
        var mesh = MeshFixture.Bookinfo();
        var routes = MeshRouteTranslator.Outbound(new MeshModel(mesh.Resources, mesh.Workloads, 1, PodPorts), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

        Assert.DoesNotContain(routes.VirtualHosts, v => v.Name == "reserved_pod_ports");
        Assert.DoesNotContain(routes.VirtualHosts.SelectMany(v => v.Domains), d => d.EndsWith(":31000", StringComparison.Ordinal));
        Assert.Equal(["*"], routes.VirtualHosts.Single(v => v.Name == "block_all").Domains);
        Assert.Contains(routes.VirtualHosts, v => v.Name == "reserved_15014");
    }

    [Fact]
    public void A_service_entry_makes_its_hosts_ports_mesh_destinations_under_registry_only()
    {
        var routes = Outbound(MeshFixture.Bookinfo(ExternalApi));

        var tls = routes.VirtualHosts.Single(v => v.Name == "ledger.example.com:443");
        Assert.Equal(["ledger.example.com:443"], tls.Domains);
        var connect = tls.Routes.Single(IsConnect);
        Assert.Equal(ClusterNames.Passthrough, connect.Route_.Cluster);
        Assert.NotNull(connect.Route_.UpgradeConfigs.Single().ConnectConfig);
        var http = routes.VirtualHosts.Single(v => v.Name == "ledger.example.com:80");
        Assert.Equal(["ledger.example.com:80", "ledger.example.com"], http.Domains);
        Assert.Equal(ClusterNames.Passthrough, http.Routes.Single(r => !IsConnect(r)).Route_.Cluster);
        Assert.Equal("block_all", routes.VirtualHosts.Last().Name);
    }

    [Fact]
    public void A_service_entry_cannot_open_the_control_planes_ports()
    {
        var routes = Outbound(MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: sneaky, namespace: bookinfo}
            spec:
              hosts: [localhost]
              ports: [{number: 15014, name: http, protocol: HTTP}]
            """));

        Assert.Single(routes.VirtualHosts, v => v.Domains.Contains("localhost:15014"));
        Assert.DoesNotContain(routes.VirtualHosts, v => v.Name == "localhost:15014");
    }

    [Fact]
    public void A_service_entry_exported_only_to_its_namespace_is_not_a_destination_elsewhere()
    {
        var local = ExternalApi.Replace("resolution: DNS", "resolution: DNS\n  exportTo: [\".\"]");

        Assert.Contains(Outbound(MeshFixture.Bookinfo(local)).VirtualHosts, v => v.Name == "ledger.example.com:443");
        Assert.DoesNotContain(Outbound(MeshFixture.Bookinfo(local), ns: "other").VirtualHosts, v => v.Name == "ledger.example.com:443");
    }

    [Fact]
    public void Two_service_entries_for_one_host_claim_its_domain_once()
    {
        var twin = ExternalApi.Replace("name: ledger,", "name: ledger-twin,");
        var routes = Outbound(MeshFixture.Bookinfo(ExternalApi, twin));

        var domains = routes.VirtualHosts.SelectMany(v => v.Domains).ToList();
        Assert.Equal(domains.Count, domains.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void The_passthrough_cluster_carries_the_ports_it_must_never_reach()
    {
        var fixture = MeshFixture.Bookinfo(MeshConfig("ALLOW_ANY"));
        var mesh = new MeshModel(fixture.Resources, fixture.Workloads, 1, ControlPlanePorts);
        var node = MeshFixture.Sidecar("productpage-v1-1", "productpage", "v1");
        var clusters = OutboundResources.For(mesh).For(node, ProxyScope.For(mesh, node)).ClusterSet.Ordered.Select(r => r.Message<Envoy.Config.Cluster.V3.Cluster>());

        var passthrough = clusters.Single(c => c.Name == ClusterNames.Passthrough);
        var reserved = passthrough.Metadata.FilterMetadata[PassthroughGuard.MetadataKey].Fields[PassthroughGuard.ReservedPortsField].StructValue;
        Assert.Equal("15014", reserved.Fields["the control plane's API port"].StringValue);
        Assert.Equal("15010", reserved.Fields["the control plane's xDS port"].StringValue);
    }
}
