using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using Trellis.Stats.V1;
using static Trellis.Proxy.Tests.Support.Envoy;
using Listener = Envoy.Config.Listener.V3.Listener;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>Telemetry metric overrides as the control plane sends them (the istio.stats filter): a metric turned off is
/// not recorded, a removed label leaves the series, an upserted one takes its expression's value.</summary>
public sealed class MetricOverrideTests : IAsyncLifetime
{
    private const string Ratings = "outbound|9080||ratings.bookinfo.svc.cluster.local";
    private TestProxy _proxy = null!;
    private Upstream _ratings = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _ratings = await Upstream.StartAsync("ratings-v1");
        _proxy = await TestProxy.StartAsync();
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _ratings.DisposeAsync();
    }

    private Task<string[]> MetricsAfterOneRequestAsync(params MetricOverride[] overrides) => MetricsAfterOneRequestAsync(_proxy, _port, overrides);

    private async Task<string[]> MetricsAfterOneRequestAsync(TestProxy proxy, int port, params MetricOverride[] overrides)
    {
        var listener = Listener("virtualOutbound", port, "outbound");
        var filter = listener.FilterChains[0].Filters[0];
        var hcm = filter.TypedConfig.Unpack<HttpConnectionManager>();
        hcm.HttpFilters.Insert(0, new HttpFilter { Name = "istio.stats", TypedConfig = Any.Pack(new StatsConfig { Overrides = { overrides } }) });
        filter.TypedConfig = Any.Pack(hcm);
        await proxy.PushAsync([Eds(Ratings, serviceHost: "ratings.bookinfo.svc.cluster.local")], [Endpoints(Ratings, _ratings.Port)], [listener],
            [Routes("outbound", Host("ratings", ["ratings:9080"], ToCluster(Ratings)))]);
        using var client = TestProxy.ClientVia(port);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://ratings:9080/ratings/0");
        request.Headers.Add("x-team", "blue");
        await client.SendAsync(request);
        return (await proxy.Admin.GetStringAsync("/stats/prometheus")).Split('\n');
    }

    [Fact]
    public async Task Removed_labels_leave_the_series_and_upserted_ones_take_their_expressions_value()
    {
        var metrics = await MetricsAfterOneRequestAsync(new MetricOverride
        {
            Metric = "REQUEST_COUNT",
            Tags =
            {
                ["request_protocol"] = new TagOverride { Remove = true },
                ["request_host"] = new TagOverride { Value = "request.host" },
                ["team"] = new TagOverride { Value = "request.headers['x-team']" },
                ["response_code"] = new TagOverride { Value = "response.code >= 400 ? 'failed' : 'ok'" },
            },
        });

        var requests = Assert.Single(metrics, l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal));
        Assert.DoesNotContain("request_protocol=", requests);
        Assert.Contains("request_host=\"ratings:9080\"", requests);
        Assert.Contains("team=\"blue\"", requests);
        Assert.Contains("response_code=\"ok\"", requests);
        // Other metrics keep Istio's standard labels.
        Assert.Contains(metrics, l => l.StartsWith("istio_request_duration_milliseconds_count{", StringComparison.Ordinal) && l.Contains("request_protocol=\"http\""));
    }

    [Fact]
    public async Task A_disabled_metric_is_not_recorded_and_all_metrics_turns_every_one_off()
    {
        var durationOff = await MetricsAfterOneRequestAsync(new MetricOverride { Metric = "REQUEST_DURATION", Disabled = true });
        Assert.DoesNotContain(durationOff, l => l.StartsWith("istio_request_duration_milliseconds_count{", StringComparison.Ordinal));
        Assert.Contains(durationOff, l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal));

        await using var fresh = await TestProxy.StartAsync();
        var allOff = await MetricsAfterOneRequestAsync(fresh, Ports.Free(), new MetricOverride { Metric = "ALL_METRICS", Disabled = true });
        Assert.DoesNotContain(allOff, l => l.StartsWith("istio_", StringComparison.Ordinal) && l.Contains('{'));
    }

    [Fact]
    public async Task An_unknown_metric_or_a_bad_expression_is_refused()
    {
        var listener = Listener("virtualOutbound", _port, "outbound");
        var filter = listener.FilterChains[0].Filters[0];
        var hcm = filter.TypedConfig.Unpack<HttpConnectionManager>();
        hcm.HttpFilters.Insert(0, new HttpFilter
        {
            Name = "istio.stats",
            TypedConfig = Any.Pack(new StatsConfig { Overrides = { new MetricOverride { Metric = "REQUEST_COUNT", Tags = { ["x"] = new TagOverride { Value = "request.host ==" } } } } }),
        });
        filter.TypedConfig = Any.Pack(hcm);
        var error = await _proxy.ApplyAsync(Trellis.Xds.TypeUrls.Listener, listener);
        Assert.Contains("REQUEST_COUNT label \"x\"", error);
    }
}
