using Trellis.ControlPlane.Inputs;
using Trellis.Runtime;

namespace Trellis.LocalMode.Tests.Launch;

/// <summary>A sidecar's command line is local mode's half of a contract with the control plane: the ports it
/// announces as node metadata under the keys the control plane reads, and its token where the layout keeps it.</summary>
public sealed class ProxyLaunchTests
{
    [Fact]
    public void A_sidecar_announces_its_ports_under_the_control_planes_keys_and_reads_its_token_from_its_pods_secrets()
    {
        var home = new MeshHome("/tmp/mesh");
        var mesh = new MeshState(1, DateTimeOffset.UnixEpoch, "", 2, XdsPort: 15010, ApiPort: 15011, IngressPort: 8080, IngressAdminPort: 15000);
        var pod = new PodState("reviews-v1-a", "bookinfo", "reviews-v1", new Dictionary<string, string> { ["app"] = "reviews" }, "bookinfo-reviews",
            "127.0.0.1", AppPort: 21000, InboundPort: 21001, OutboundPort: 21004, AdminPort: 21002, ContainerPort: 9080, [], "reviews",
            PodPhase.Pending, false, false, 0, null, null, null, DateTimeOffset.UnixEpoch, "hash");

        var args = ProxyLaunch.Sidecar(home, mesh, pod).ArgumentList.ToList();

        Assert.Equal("http://127.0.0.1:15010", After("--xds"));
        Assert.Equal(home.PodAdminTokenPath("bookinfo", "reviews-v1-a"), After("--admin-token-file"));
        var meta = args.Select((a, i) => (a, i)).Where(x => x.a == "--meta").Select(x => args[x.i + 1]).ToList();
        Assert.Contains($"{NodeMetadataKeys.AdminPort}=21002", meta);
        Assert.Contains($"{NodeMetadataKeys.InboundPort}=21001", meta);
        Assert.Contains($"{NodeMetadataKeys.OutboundPort}=21004", meta);
        Assert.Contains($"{NodeMetadataKeys.AppPort}=21000", meta);
        Assert.Contains($"{NodeMetadataKeys.ContainerPort}=9080", meta);

        string After(string option) => args[args.IndexOf(option) + 1];
    }
    [Fact]
    public void A_pod_annotated_for_Prometheus_has_its_apps_metrics_merged_from_the_port_the_app_really_listens_on()
    {
        var pod = Pod(new Dictionary<string, string> { ["prometheus.io/scrape"] = "true", ["prometheus.io/port"] = "9080", ["prometheus.io/path"] = "/stats" });

        var args = ProxyLaunch.Sidecar(new MeshHome("/tmp/mesh"), Mesh, pod).ArgumentList.ToList();

        Assert.Equal("http://127.0.0.1:21000/stats", args[args.IndexOf("--app-metrics") + 1]);
    }

    [Theory]
    [InlineData("false")]
    [InlineData(null)]
    public void A_pod_not_annotated_for_scraping_has_nothing_merged(string? scrape)
    {
        var annotations = new Dictionary<string, string> { ["prometheus.io/port"] = "9080" };
        if (scrape is not null) annotations["prometheus.io/scrape"] = scrape;

        Assert.DoesNotContain("--app-metrics", ProxyLaunch.Sidecar(new MeshHome("/tmp/mesh"), Mesh, Pod(annotations)).ArgumentList);
    }

    [Fact]
    public void Without_port_and_path_annotations_the_app_port_and_metrics_path_are_scraped()
    {
        var target = PrometheusAnnotations.AppTarget(Pod(new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" }));
        Assert.Equal(new Uri("http://127.0.0.1:21000/metrics"), target);
    }

    [Fact]
    public void A_port_annotation_that_is_no_port_is_an_error_naming_the_pod_and_annotation()
    {
        var e = Assert.Throws<FormatException>(() => PrometheusAnnotations.AppTarget(Pod(new Dictionary<string, string> { ["prometheus.io/scrape"] = "true", ["prometheus.io/port"] = "http" })));
        Assert.Contains("bookinfo/reviews-v1-a", e.Message);
        Assert.Contains("prometheus.io/port", e.Message);
    }

    [Theory]
    [InlineData("concurrency: 1", "1")]
    [InlineData("{\"concurrency\": 0}", "0")]
    [InlineData("holdApplicationUntilProxyStarts: true\nconcurrency: 4\n", "4")]
    public void A_pods_proxy_config_annotation_sets_its_sidecars_concurrency(string annotation, string threads)
    {
        var args = ProxyLaunch.Sidecar(new MeshHome("/tmp/mesh"), Mesh, Pod(new Dictionary<string, string> { ["proxy.istio.io/config"] = annotation })).ArgumentList.ToList();

        Assert.Equal(threads, args[args.IndexOf("--concurrency") + 1]);
    }

    [Theory]
    [InlineData("holdApplicationUntilProxyStarts: true")]
    [InlineData("")]
    public void Without_a_concurrency_the_sidecar_keeps_its_default(string annotation)
    {
        var pod = Pod(new Dictionary<string, string> { ["proxy.istio.io/config"] = annotation });
        Assert.DoesNotContain("--concurrency", ProxyLaunch.Sidecar(new MeshHome("/tmp/mesh"), Mesh, pod).ArgumentList);
    }

    [Theory]
    [InlineData("concurrency: two", "concurrency")]
    [InlineData("concurrency: -1", "concurrency")]
    [InlineData("- concurrency: 1", "ProxyConfig map")]
    [InlineData("concurrency: [1", "not YAML")]
    public void A_proxy_config_annotation_that_says_no_thread_count_is_an_error_naming_the_pod_and_annotation(string annotation, string said)
    {
        var pod = Pod(new Dictionary<string, string> { ["proxy.istio.io/config"] = annotation });

        var e = Assert.Throws<FormatException>(() => ProxyConfigAnnotation.Concurrency(pod));
        Assert.Contains("bookinfo/reviews-v1-a", e.Message);
        Assert.Contains("proxy.istio.io/config", e.Message);
        Assert.Contains(said, e.Message);
        Assert.DoesNotContain("--concurrency", ProxyLaunch.Sidecar(new MeshHome("/tmp/mesh"), Mesh, pod).ArgumentList);
    }

    [Fact]
    public void The_mesh_configs_default_concurrency_applies_where_the_pod_does_not_set_its_own()
    {
        var defaults = new SidecarDefaults { Concurrency = 3 };
        var plain = ProxyLaunch.Sidecar(new MeshHome("/tmp/mesh"), Mesh, Pod(new Dictionary<string, string>()), defaults).ArgumentList.ToList();
        var annotated = ProxyLaunch.Sidecar(new MeshHome("/tmp/mesh"), Mesh,
            Pod(new Dictionary<string, string> { ["proxy.istio.io/config"] = "concurrency: 1" }), defaults).ArgumentList.ToList();

        Assert.Equal("3", plain[plain.IndexOf("--concurrency") + 1]);
        Assert.Equal("1", annotated[annotated.IndexOf("--concurrency") + 1]);
        defaults.Concurrency = null;
        Assert.DoesNotContain("--concurrency", ProxyLaunch.Sidecar(new MeshHome("/tmp/mesh"), Mesh, Pod(new Dictionary<string, string>()), defaults).ArgumentList);
    }

    private static readonly MeshState Mesh = new(1, DateTimeOffset.UnixEpoch, "", 2, XdsPort: 15010, ApiPort: 15011, IngressPort: 8080, IngressAdminPort: 15000);

    private static PodState Pod(IReadOnlyDictionary<string, string> annotations) => new("reviews-v1-a", "bookinfo", "reviews-v1",
        new Dictionary<string, string> { ["app"] = "reviews" }, "bookinfo-reviews", "127.0.0.1", AppPort: 21000, InboundPort: 21001,
        OutboundPort: 21004, AdminPort: 21002, ContainerPort: 9080, [new ContainerPortMapping(9080, 21000)], "reviews",
        PodPhase.Pending, false, false, 0, null, null, null, DateTimeOffset.UnixEpoch, "hash", annotations);
}
