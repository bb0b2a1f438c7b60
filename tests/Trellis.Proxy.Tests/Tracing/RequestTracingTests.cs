using System.Collections.Concurrent;
using Envoy.Config.Core.V3;
using Envoy.Config.Trace.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;
using Listener = Envoy.Config.Listener.V3.Listener;

namespace Trellis.Proxy.Tests.Tracing;

/// <summary>A sidecar whose connection manager traces, as Istio configures it: it starts or continues the trace, tells the
/// upstream in its tracer's format (W3C for OpenTelemetry, B3 for Zipkin), and exports sampled spans from the SDK's queue.</summary>
public sealed class RequestTracingTests : IAsyncLifetime
{
    private const string Ratings = "outbound|9080||ratings.bookinfo.svc.cluster.local";
    private readonly ConcurrentQueue<byte[]> _exports = new();
    private TestProxy _proxy = null!;
    private Upstream _ratings = null!;
    private Upstream _collector = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _ratings = await Upstream.StartAsync("ratings-v1", app => app.MapGet("/trace", (HttpRequest r) => string.Join('\n',
            new[] { "traceparent", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled" }.Select(h => $"{h}={r.Headers[h]}"))));
        _collector = await Upstream.StartAsync("collector", app => app.MapPost("/v1/traces", async (HttpRequest r) =>
        {
            using var body = new MemoryStream();
            await r.Body.CopyToAsync(body);
            _exports.Enqueue(body.ToArray());
            return Results.Ok();
        }));
        _proxy = await TestProxy.StartAsync();
        _port = Ports.Free();
        await _proxy.PushAsync([Eds(Ratings, serviceHost: "ratings.bookinfo.svc.cluster.local")], [Endpoints(Ratings, _ratings.Port)],
            [Traced(Listener("virtualOutbound", _port, "outbound"), $"http://127.0.0.1:{_collector.Port}/v1/traces")],
            [Routes("outbound", Host("ratings", ["ratings:9080"], ToCluster(Ratings)))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _ratings.DisposeAsync();
        await _collector.DisposeAsync();
    }

    private static Listener Traced(Listener listener, string collector, bool zipkin = false)
    {
        var filter = listener.FilterChains[0].Filters[0];
        var hcm = filter.TypedConfig.Unpack<HttpConnectionManager>();
        hcm.Tracing = new HttpConnectionManager.Types.Tracing
        {
            RandomSampling = new global::Envoy.Type.V3.Percent { Value = 100 },
            Provider = zipkin
                ? new global::Envoy.Config.Trace.V3.Tracing.Types.Http
                {
                    Name = "envoy.tracers.zipkin",
                    TypedConfig = Any.Pack(new ZipkinConfig
                    {
                        CollectorCluster = "zipkin", CollectorEndpoint = "/api/v2/spans", CollectorHostname = "127.0.0.1",
                        CollectorEndpointVersion = ZipkinConfig.Types.CollectorEndpointVersion.HttpJson,
                    }),
                }
                : new global::Envoy.Config.Trace.V3.Tracing.Types.Http
                {
                    Name = "envoy.tracers.opentelemetry",
                    TypedConfig = Any.Pack(new OpenTelemetryConfig
                    {
                        ServiceName = "productpage.bookinfo",
                        HttpService = new HttpService { HttpUri = new HttpUri { Uri = collector, Cluster = "collector" } },
                    }),
                },
        };
        filter.TypedConfig = Any.Pack(hcm);
        return listener;
    }

    private Task<Dictionary<string, string>> SeenAsync(string? traceParent = null) => SeenAsync(_port, traceParent);

    private static async Task<Dictionary<string, string>> SeenAsync(int port, string? traceParent = null)
    {
        using var client = TestProxy.ClientVia(port);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://ratings:9080/trace");
        if (traceParent is not null) request.Headers.Add("traceparent", traceParent);
        var body = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        return body.Split('\n').Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }

    [Fact]
    public async Task A_request_without_context_starts_a_sampled_trace_told_upstream_in_w3c_and_exported()
    {
        var seen = await SeenAsync();

        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", seen["traceparent"]);
        Assert.Equal("", seen["x-b3-traceid"]);
        var traceId = seen["traceparent"][3..35];
        var idBytes = Convert.FromHexString(traceId);
        for (var i = 0; i < 100 && !_exports.Any(e => e.AsSpan().IndexOf(idBytes) >= 0); i++) await Task.Delay(200);
        Assert.Contains(_exports, e => e.AsSpan().IndexOf(idBytes) >= 0);
    }

    [Fact]
    public async Task A_callers_decision_not_to_sample_is_kept_in_the_same_trace()
    {
        var seen = await SeenAsync("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");

        Assert.StartsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-", seen["traceparent"]);
        Assert.EndsWith("-00", seen["traceparent"]);
        Assert.DoesNotContain("00f067aa0ba902b7", seen["traceparent"]);
    }

    [Fact]
    public async Task The_zipkin_tracer_propagates_b3_and_continues_a_w3c_callers_trace()
    {
        var port = Ports.Free();
        await _proxy.ApplyAsync(Trellis.Xds.TypeUrls.Listener, Listener("virtualOutbound", _port, "outbound"),
            Traced(Listener("zipkinOutbound", port, "outbound"), "", zipkin: true));

        var seen = await SeenAsync(port, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "1"), (seen["x-b3-traceid"], seen["x-b3-sampled"]));
        Assert.Matches("^[0-9a-f]{16}$", seen["x-b3-spanid"]);
        Assert.NotEqual("00f067aa0ba902b7", seen["x-b3-spanid"]);
    }

    [Fact]
    public async Task The_config_dump_shows_the_tracer()
    {
        Assert.Contains("envoy.tracers.opentelemetry", await _proxy.Admin.GetStringAsync("/config_dump"));
    }
}
