using System.Globalization;
using Envoy.Config.Core.V3;
using Trellis.Proxy.Telemetry;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>The metric names, label names, label values and buckets of Istio's "Standard Metrics" page, as a client
/// sidecar (reporter source) and a server sidecar (reporter destination) export them.</summary>
public sealed class IstioStandardMetricsTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";

    private static readonly string[] IstioLabels =
    [
        "reporter", "source_workload", "source_workload_namespace", "source_principal", "source_app", "source_version",
        "source_canonical_service", "source_canonical_revision", "source_cluster",
        "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app", "destination_version",
        "destination_service", "destination_service_name", "destination_service_namespace",
        "destination_canonical_service", "destination_canonical_revision", "destination_cluster",
        "request_protocol", "response_code", "grpc_response_status", "response_flags", "connection_security_policy",
    ];

    private TestProxy _client = null!;
    private TestProxy _server = null!;
    private Upstream _app = null!;
    private int _outbound;

    public async Task InitializeAsync()
    {
        _app = await Upstream.StartAsync("reviews-app");
        _client = await TestProxy.StartAsync();
        _server = await TestProxy.StartAsync("sidecar~127.0.0.1~reviews-v1-0.bookinfo~bookinfo.svc.cluster.local");
        var inbound = Ports.Free();
        _outbound = Ports.Free();
        await _server.PushAsync([Eds("inbound|9080||", serviceHost: "reviews.bookinfo.svc.cluster.local")], [Endpoints("inbound|9080||", _app.Port)],
            [Listener("virtualInbound", inbound, "inbound", TrafficDirection.Inbound)], [Routes("inbound", Host("inbound", ["*"], ToCluster("inbound|9080||")))]);
        await _client.PushAsync([Eds(Reviews, serviceHost: "reviews.bookinfo.svc.cluster.local")], [EndpointsWith(Reviews, (inbound, "reviews-v1;bookinfo;reviews;v1;Kubernetes"))],
            [Listener("virtualOutbound", _outbound, "outbound")], [Routes("outbound", Host("reviews", ["reviews:9080"], ToCluster(Reviews)))]);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Request_and_response_body_sizes_are_histograms_on_both_sides()
    {
        using var http = TestProxy.ClientVia(_outbound);
        var response = await http.PostAsync("http://reviews:9080/reviews/1", new ByteArrayContent(new byte[1234]));
        Assert.Equal("reviews-app", await response.Content.ReadAsStringAsync());

        foreach (var (proxy, reporter) in new[] { (_client, "source"), (_server, "destination") })
        {
            var lines = await ScrapeAsync(proxy);
            Assert.Equal(1234, Value(lines, "istio_request_bytes_sum", reporter));
            Assert.Equal(1, Value(lines, "istio_request_bytes_count", reporter));
            Assert.Equal("reviews-app".Length, Value(lines, "istio_response_bytes_sum", reporter));
            // 1234 bytes lie above Envoy's 1000 bucket and within its 2500 one.
            Assert.Equal(0, Value(lines, "istio_request_bytes_bucket", reporter, "le=\"1000\""));
            Assert.Equal(1, Value(lines, "istio_request_bytes_bucket", reporter, "le=\"2500\""));
        }
    }

    [Fact]
    public async Task Every_histogram_uses_Envoys_default_buckets()
    {
        using var http = TestProxy.ClientVia(_outbound);
        await http.GetStringAsync("http://reviews:9080/reviews/1");

        var lines = await ScrapeAsync(_server);
        var expected = IstioMetrics.EnvoyDefaultBuckets.Select(b => b.ToString(CultureInfo.InvariantCulture)).Append("+Inf").ToArray();
        foreach (var metric in new[] { "istio_request_duration_milliseconds", "istio_request_bytes", "istio_response_bytes" })
        {
            var buckets = lines.Where(l => l.StartsWith(metric + "_bucket{", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..l.LastIndexOf('"')]).ToArray();
            Assert.Equal(expected, buckets);
        }
        Assert.Equal("0.5", expected[0]);
    }

    [Fact]
    public async Task Every_Istio_label_is_on_every_request_series_with_Istios_values()
    {
        using var http = TestProxy.ClientVia(_outbound);
        await http.GetStringAsync("http://reviews:9080/reviews/1");

        var source = (await ScrapeAsync(_client)).Single(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal));
        var destination = (await ScrapeAsync(_server)).Single(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal));
        foreach (var line in new[] { source, destination })
        {
            Assert.Equal(IstioLabels.Order(StringComparer.Ordinal), LabelNames(line).Order(StringComparer.Ordinal));
            Assert.Contains("request_protocol=\"http\"", line);
            Assert.Contains("response_code=\"200\"", line);
            Assert.Contains("response_flags=\"-\"", line); // Envoy's "no flags", never empty
            Assert.Contains("grpc_response_status=\"\"", line);
            Assert.Contains("destination_service=\"reviews.bookinfo.svc.cluster.local\"", line);
            Assert.Contains("destination_service_name=\"reviews\"", line);
            Assert.Contains("destination_service_namespace=\"bookinfo\"", line);
        }
        Assert.Contains("reporter=\"source\"", source);
        Assert.Contains("reporter=\"destination\"", destination);
        // The client cannot know how the server's side was secured: Istio reports "unknown" at the source.
        Assert.Contains("connection_security_policy=\"unknown\"", source);
        Assert.Contains("connection_security_policy=\"none\"", destination);
        Assert.Contains("destination_workload=\"reviews-v1\"", source);
        Assert.Contains("destination_version=\"v1\"", source);
        // Plain text: no certificate proves a principal.
        Assert.Contains("source_principal=\"unknown\"", destination);
    }

    [Fact]
    public async Task A_request_the_proxy_answers_itself_is_counted_with_its_flag()
    {
        using var http = TestProxy.ClientVia(_outbound);
        var response = await http.GetAsync("http://nowhere:9080/");
        Assert.Equal(404, (int)response.StatusCode);

        var line = (await ScrapeAsync(_client)).Single(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal));
        Assert.Contains("response_code=\"404\"", line);
        Assert.Contains("response_flags=\"NR\"", line);
        Assert.Contains("destination_service=\"unknown\"", line);
        Assert.Contains("destination_workload=\"unknown\"", line);
    }

    [Fact]
    public async Task A_faults_abort_is_counted_against_the_routes_destination_service_with_flag_FI()
    {
        var route = ToCluster(Reviews);
        route.TypedPerFilterConfig["envoy.filters.http.fault"] = Google.Protobuf.WellKnownTypes.Any.Pack(new global::Envoy.Extensions.Filters.Http.Fault.V3.HTTPFault
        {
            Abort = new global::Envoy.Extensions.Filters.Http.Fault.V3.FaultAbort
            {
                HttpStatus = 503,
                Percentage = new global::Envoy.Type.V3.FractionalPercent { Numerator = 100, Denominator = global::Envoy.Type.V3.FractionalPercent.Types.DenominatorType.Hundred },
            },
        });
        Assert.Null(await _client.ApplyAsync(Trellis.Xds.TypeUrls.RouteConfiguration, Routes("outbound", Host("reviews", ["reviews:9080"], route))));
        using var http = TestProxy.ClientVia(_outbound);

        Assert.Equal(503, (int)(await http.GetAsync("http://reviews:9080/reviews/1")).StatusCode);

        var line = (await ScrapeAsync(_client)).Single(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal));
        Assert.Contains("response_code=\"503\"", line);
        Assert.Contains("response_flags=\"FI\"", line);
        Assert.Contains("destination_service=\"reviews.bookinfo.svc.cluster.local\"", line);
        Assert.Contains("destination_service_name=\"reviews\"", line);
    }

    private static async Task<string[]> ScrapeAsync(TestProxy proxy) => (await proxy.Admin.GetStringAsync("/stats/prometheus")).Split('\n');

    private static double Value(string[] lines, string series, string reporter, string? with = null) => lines
        .Where(l => l.StartsWith(series + "{", StringComparison.Ordinal) && l.Contains($"reporter=\"{reporter}\"", StringComparison.Ordinal)
            && (with is null || l.Contains(with, StringComparison.Ordinal)))
        .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
        .DefaultIfEmpty(double.NaN).Sum();

    private static IEnumerable<string> LabelNames(string line) => line[(line.IndexOf('{') + 1)..line.LastIndexOf('}')]
        .Split("\",").Select(pair => pair[..pair.IndexOf('=')]);
}
