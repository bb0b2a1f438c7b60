using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Translation;
using Trellis.ControlPlane.Translation.Telemetry;
using Trellis.Stats.V1;

namespace Trellis.ControlPlane.Tests.Translation.Telemetry;

/// <summary>Telemetry metric overrides reach each HCM as the istio.stats filter, with Istio's inheritance and modes.</summary>
public sealed class MetricOverridesTests
{
    private static string Telemetry(string ns, string metrics, string selector = "") => $"""
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {"{"}name: t-{Guid.NewGuid():N}, namespace: {ns}{"}"}
        spec:
        {selector}  metrics:
        {metrics}
        """;

    private static (HttpConnectionManager Outbound, HttpConnectionManager Inbound) Reviews(params string[] yaml)
    {
        var listeners = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(yaml), MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1")).Listeners.Cast<Listener>().ToList();
        HttpConnectionManager Hcm(Envoy.Config.Core.V3.TrafficDirection direction) => listeners.Where(l => l.TrafficDirection == direction)
            .SelectMany(l => l.FilterChains).SelectMany(c => c.Filters).First(f => f.Name == ListenerTranslator.HcmFilterName)
            .TypedConfig.Unpack<HttpConnectionManager>();
        return (Hcm(Envoy.Config.Core.V3.TrafficDirection.Outbound), Hcm(Envoy.Config.Core.V3.TrafficDirection.Inbound));
    }

    private static StatsConfig? Stats(HttpConnectionManager hcm) =>
        hcm.HttpFilters.FirstOrDefault(f => f.Name == MetricOverrides.FilterName)?.TypedConfig.Unpack<StatsConfig>();

    [Fact]
    public void Without_overrides_no_hcm_gets_the_filter()
    {
        var (outbound, inbound) = Reviews();
        Assert.Null(Stats(outbound));
        Assert.Null(Stats(inbound));
    }

    [Fact]
    public void Overrides_come_widest_first_before_the_router_on_the_sides_their_mode_names()
    {
        var (outbound, inbound) = Reviews(
            Telemetry("istio-system", """
                  - overrides:
                    - match: {metric: REQUEST_COUNT}
                      tagOverrides:
                        request_host: {value: request.host}
                """),
            Telemetry("bookinfo", """
                  - providers: [{name: prometheus}]
                    overrides:
                    - match: {metric: REQUEST_DURATION, mode: SERVER}
                      disabled: true
                    - match: {metric: REQUEST_COUNT}
                      tagOverrides:
                        request_protocol: {operation: REMOVE}
                """, selector: "  selector: {matchLabels: {app: reviews}}\n"));

        var server = Stats(inbound)!;
        Assert.Equal(["REQUEST_COUNT", "REQUEST_DURATION", "REQUEST_COUNT"], server.Overrides.Select(o => o.Metric));
        Assert.Equal("request.host", server.Overrides[0].Tags["request_host"].Value);
        Assert.True(server.Overrides[1].Disabled);
        Assert.True(server.Overrides[2].Tags["request_protocol"].Remove);
        Assert.Equal(["REQUEST_COUNT", "REQUEST_COUNT"], Stats(outbound)!.Overrides.Select(o => o.Metric));
        Assert.Equal(MetricOverrides.FilterName, inbound.HttpFilters[^2].Name);
    }

    [Fact]
    public void Overrides_for_another_provider_do_not_apply()
    {
        var (outbound, _) = Reviews(Telemetry("istio-system", """
              - providers: [{name: stackdriver}]
                overrides:
                - disabled: true
            """));
        Assert.Null(Stats(outbound));
    }
}
