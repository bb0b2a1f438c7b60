using Envoy.Config.Listener.V3;
using Envoy.Config.Trace.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Translation;
using Trellis.ControlPlane.Translation.Tracing;

namespace Trellis.ControlPlane.Tests.Translation.Tracing;

/// <summary>Telemetry tracing and the mesh config's tracing defaults become each HCM's tracing, as istiod writes them.</summary>
public sealed class ProxyTracingTests
{
    private const string Receiver = "http://127.0.0.1:15014/v1/traces";

    private static string Telemetry(string ns, string tracing, string selector = "") => $"""
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {"{"}name: t-{Guid.NewGuid():N}, namespace: {ns}{"}"}
        spec:
        {selector}  tracing:
        {tracing}
        """;

    /// <summary>reviews-v1's HCMs by direction.</summary>
    private static (HttpConnectionManager Outbound, HttpConnectionManager Inbound) Reviews(params string[] yaml)
    {
        var mesh = MeshFixture.BookinfoTracedTo(Receiver, yaml);
        var listeners = ProxyConfigBuilder.Build(mesh, MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1")).Listeners.Cast<Listener>().ToList();
        HttpConnectionManager Hcm(Envoy.Config.Core.V3.TrafficDirection direction) => listeners.Where(l => l.TrafficDirection == direction)
            .SelectMany(l => l.FilterChains).SelectMany(c => c.Filters).First(f => f.Name == ListenerTranslator.HcmFilterName)
            .TypedConfig.Unpack<HttpConnectionManager>();
        return (Hcm(Envoy.Config.Core.V3.TrafficDirection.Outbound), Hcm(Envoy.Config.Core.V3.TrafficDirection.Inbound));
    }

    [Fact]
    public void By_default_every_hcm_samples_one_percent_to_the_control_planes_receiver()
    {
        var (outbound, inbound) = Reviews();
        foreach (var hcm in new[] { outbound, inbound })
        {
            Assert.Equal(1.0, hcm.Tracing.RandomSampling.Value);
            Assert.Equal(ProxyTracing.OpenTelemetryTracer, hcm.Tracing.Provider.Name);
            var config = hcm.Tracing.Provider.TypedConfig.Unpack<OpenTelemetryConfig>();
            Assert.Equal((Receiver, "reviews.bookinfo"), (config.HttpService.HttpUri.Uri, config.ServiceName));
        }
    }

    [Fact]
    public void Use_request_id_for_trace_sampling_false_configures_the_uuid_extension_and_a_narrower_scope_turns_it_back_on()
    {
        var (outbound, inbound) = Reviews();
        Assert.Null(outbound.RequestIdExtension);
        Assert.Null(inbound.RequestIdExtension);

        (outbound, _) = Reviews(Telemetry("istio-system", "  - useRequestIdForTraceSampling: false"));
        var uuid = outbound.RequestIdExtension.TypedConfig.Unpack<Envoy.Extensions.RequestId.Uuid.V3.UuidRequestIdConfig>();
        Assert.False(uuid.UseRequestIdForTraceSampling);

        (outbound, _) = Reviews(Telemetry("istio-system", "  - useRequestIdForTraceSampling: false"),
            Telemetry("bookinfo", "  - useRequestIdForTraceSampling: true"));
        Assert.Null(outbound.RequestIdExtension);
    }

    [Fact]
    public void Enable_tracing_false_turns_it_off_unless_a_telemetry_turns_it_on()
    {
        var (off, _) = Reviews(MeshFixture.MeshConfig("enableTracing: false"));
        Assert.Null(off.Tracing);
        var (on, _) = Reviews(MeshFixture.MeshConfig("enableTracing: false"), Telemetry("istio-system", "  - randomSamplingPercentage: 20"));
        Assert.Equal(20, on.Tracing.RandomSampling.Value);
    }

    [Fact]
    public void The_narrowest_telemetry_overrides_sampling_and_tags_add_up_per_mode()
    {
        var (outbound, inbound) = Reviews(
            MeshFixture.MeshConfig("defaultConfig:\n  tracing:\n    sampling: 5\n    custom_tags:\n      cluster: {literal: {value: local}}"),
            Telemetry("istio-system", "  - customTags:\n      team: {literal: {value: mesh}}"),
            Telemetry("bookinfo", "  - randomSamplingPercentage: 50\n    customTags:\n      team: {literal: {value: bookinfo}}\n      user: {header: {name: end-user, defaultValue: none}}"),
            Telemetry("bookinfo", "  - match: {mode: SERVER}\n    randomSamplingPercentage: 100", selector: "  selector: {matchLabels: {app: reviews}}\n"));

        Assert.Equal(50, outbound.Tracing.RandomSampling.Value);
        Assert.Equal(100, inbound.Tracing.RandomSampling.Value);
        var tags = outbound.Tracing.CustomTags.ToDictionary(t => t.Tag);
        Assert.Equal(["cluster", "team", "user"], tags.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("bookinfo", tags["team"].Literal.Value);
        Assert.Equal(("end-user", "none"), (tags["user"].RequestHeader.Name, tags["user"].RequestHeader.DefaultValue));
    }

    [Fact]
    public void Disabling_span_reporting_keeps_propagation_and_samples_nothing()
    {
        var (outbound, _) = Reviews(Telemetry("bookinfo", "  - disableSpanReporting: true\n    randomSamplingPercentage: 100"));
        Assert.Equal(0, outbound.Tracing.RandomSampling.Value);
        Assert.NotNull(outbound.Tracing.Provider);
    }

    [Fact]
    public void Named_providers_become_zipkin_or_opentelemetry_tracers_to_their_service()
    {
        var providers = MeshFixture.MeshConfig("""
            extensionProviders:
            - name: zipkin
              zipkin: {service: zipkin.istio-system.svc.cluster.local, port: 9411}
            - name: otel
              opentelemetry: {service: otel.observability.svc.cluster.local, port: 4318, http: {path: /v1/traces}}
            """);
        var (zipkinHcm, _) = Reviews(providers, Telemetry("istio-system", "  - providers: [{name: zipkin}]"));
        var zipkin = zipkinHcm.Tracing.Provider.TypedConfig.Unpack<ZipkinConfig>();
        Assert.Equal((ProxyTracing.ZipkinTracer, "outbound|9411||zipkin.istio-system.svc.cluster.local", "/api/v2/spans"),
            (zipkinHcm.Tracing.Provider.Name, zipkin.CollectorCluster, zipkin.CollectorEndpoint));

        var (otelHcm, _) = Reviews(providers, Telemetry("istio-system", "  - providers: [{name: otel}]"));
        var otel = otelHcm.Tracing.Provider.TypedConfig.Unpack<OpenTelemetryConfig>();
        Assert.Equal(("http://otel.observability.svc.cluster.local:4318/v1/traces", "outbound|4318||otel.observability.svc.cluster.local"),
            (otel.HttpService.HttpUri.Uri, otel.HttpService.HttpUri.Cluster));
    }

    [Fact]
    public void A_provider_the_mesh_config_does_not_declare_traces_nothing()
    {
        var (outbound, _) = Reviews(Telemetry("istio-system", "  - providers: [{name: nowhere}]"));
        Assert.Null(outbound.Tracing);
    }

    [Fact]
    public void A_collector_that_is_not_a_mesh_service_is_a_problem_in_proxy_status()
    {
        var mesh = MeshFixture.BookinfoTracedTo(Receiver,
            MeshFixture.MeshConfig("extensionProviders:\n- name: zipkin\n  zipkin: {service: zipkin.istio-system.svc.cluster.local, port: 9411}"),
            Telemetry("istio-system", "  - providers: [{name: zipkin}]"));
        var problems = ProxyConfigBuilder.Build(mesh, MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1")).Problems;
        Assert.Contains("tracing: the collector zipkin.istio-system.svc.cluster.local:9411 is not a service of the mesh, so this proxy's spans are dropped", problems);
        Assert.Empty(ProxyConfigBuilder.Build(MeshFixture.BookinfoTracedTo(Receiver), MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1")).Problems);
    }
}
