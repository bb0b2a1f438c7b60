using System.Net;
using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>As an operator I turn sampling up with a mesh-wide Telemetry (<c>randomSamplingPercentage: 100</c>), send one
/// request to /productpage, and find it as one trace with `trellis traces`: ingress → productpage → details and → reviews
/// → ratings, every span under its caller, durations nested, with no collector to install. A trace decision that came
/// with the request is honoured.</summary>
[Collection(DashboardCollection.Name)]
public sealed class TracingTests(DashboardMesh mesh)
{
    /// <summary>Each proxy ends its span when its own task has finished with the request, a little after the last byte
    /// left it; on two busy cores that can come after the caller's proxy has finished.</summary>
    private const int NestingTolerance = 50;

    private const string FullSampling = """
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: mesh-default, namespace: istio-system}
        spec:
          tracing:
          - randomSamplingPercentage: 100
        """;

    [BrowserFact]
    public async Task One_request_to_productpage_is_one_trace_through_every_hop()
    {
        var manifest = await WriteAsync(FullSampling);
        Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", manifest)).ExitCode);
        try
        {
            List<JsonElement> spans = [];
            await mesh.WaitUntilAsync(async () =>
            {
                var marker = $"trace-{Guid.NewGuid():N}";
                using (var client = mesh.IngressClient())
                using (var request = new HttpRequestMessage(HttpMethod.Get, "/productpage"))
                {
                    request.Headers.Add("x-request-id", marker);
                    Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
                }
                // Reviews v1 calls no ratings: keep asking until a request went through v2 or v3, all eight spans exported.
                for (var wait = 0; wait < 40; wait++)
                {
                    spans = await SpansOfRequestAsync(marker);
                    if (spans.Count == 8) return true;
                    if (spans.Count == 6 && spans.All(s => Service(s) != "ratings.bookinfo") && wait > 12) return false;
                    await Task.Delay(500);
                }
                return false;
            }, TimeSpan.FromSeconds(120), "a trace of /productpage through reviews v2 or v3 with all its spans");

            Assert.Single(spans.Select(s => s.GetProperty("traceId").GetString()).Distinct());
            var byId = spans.ToDictionary(s => s.GetProperty("spanId").GetString()!);
            var root = Assert.Single(spans, s => Parent(s) is null);
            Assert.Equal(("istio-ingressgateway.istio-system", "CLIENT", "productpage.bookinfo.svc.cluster.local:9080/*"), (Service(root), Kind(root), Name(root)));
            foreach (var span in spans.Where(s => Parent(s) is not null))
            {
                var parent = byId[Parent(span)!];
                // A server span's parent is the client span that called it; a client span's is its own proxy's server span.
                if (Kind(span) == "SERVER") Assert.Equal((Name(parent), "CLIENT"), (Name(span), Kind(parent)));
                else Assert.Equal((Service(span), "SERVER"), (Service(parent), Kind(parent)));
                Assert.True(Start(span) >= Start(parent).AddMilliseconds(-NestingTolerance) && End(span) <= End(parent).AddMilliseconds(NestingTolerance),
                    $"{Service(span)} {Name(span)} ({Start(span):HH:mm:ss.ffffff} to {End(span):HH:mm:ss.ffffff}) does not nest in " +
                    $"{Service(parent)} {Name(parent)} ({Start(parent):HH:mm:ss.ffffff} to {End(parent):HH:mm:ss.ffffff})");
            }
            foreach (var (service, name) in new[]
                     {
                         ("productpage.bookinfo", "details.bookinfo.svc.cluster.local:9080/*"), ("details.bookinfo", "details.bookinfo.svc.cluster.local:9080/*"),
                         ("productpage.bookinfo", "reviews.bookinfo.svc.cluster.local:9080/*"), ("reviews.bookinfo", "reviews.bookinfo.svc.cluster.local:9080/*"),
                         ("reviews.bookinfo", "ratings.bookinfo.svc.cluster.local:9080/*"), ("ratings.bookinfo", "ratings.bookinfo.svc.cluster.local:9080/*"),
                     })
                Assert.Contains(spans, s => Service(s) == service && Name(s) == name);

            var traceId = root.GetProperty("traceId").GetString()!;
            var listed = await mesh.Cli.RunAsync("traces", "--service", "ratings.bookinfo", "--limit", "100");
            Assert.Contains(traceId, listed.Stdout);
            var waterfall = await mesh.Cli.RunAsync("traces", traceId);
            Assert.Equal(0, waterfall.ExitCode);
            // gateway, productpage (server, then client), reviews (server, then client), ratings: five levels down.
            Assert.Contains("\n          ratings.bookinfo SERVER ratings.bookinfo.svc.cluster.local:9080/*", waterfall.Stdout);

            var url = (await mesh.Cli.RunAsync("dashboard")).Stdout.Trim();
            var seen = await DashboardBrowser.InspectAsync(url, "trace");
            var rows = seen.GetProperty("trace").EnumerateArray().ToList();
            Assert.True(rows.Count >= 6, $"the waterfall shows {rows.Count} spans");
            var rowIds = rows.Select(r => r.GetProperty("spanId").GetString()).ToHashSet();
            Assert.Single(rows, r => !rowIds.Contains(r.GetProperty("parentId").GetString()));
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", manifest);
        }
    }

    [Fact]
    public async Task A_sampling_decision_that_comes_with_the_request_is_honoured()
    {
        var manifest = await WriteAsync(FullSampling);
        Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", manifest)).ExitCode);
        try
        {
            var declined = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var accepted = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            const string callerSpan = "00f067aa0ba902b7";
            await mesh.WaitUntilAsync(async () =>
            {
                await SendAsync($"00-{declined}-{callerSpan}-00");
                await SendAsync($"00-{accepted}-{callerSpan}-01");
                await Task.Delay(TimeSpan.FromSeconds(7));
                return await TraceAsync(accepted) is not null;
            }, TimeSpan.FromSeconds(90), "the trace the caller sampled");

            var spans = (await TraceAsync(accepted))!.Value.EnumerateArray().ToList();
            var gateway = spans.Single(s => Service(s) == "istio-ingressgateway.istio-system");
            Assert.Equal(callerSpan, Parent(gateway));
            Assert.Null(await TraceAsync(declined));
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", manifest);
        }
    }

    private async Task SendAsync(string traceParent)
    {
        using var client = mesh.IngressClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/productpage");
        request.Headers.Add("traceparent", traceParent);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    private async Task<JsonElement?> TraceAsync(string traceId)
    {
        var shown = await mesh.Cli.RunAsync("traces", traceId, "-o", "json");
        return shown.ExitCode == 0 ? JsonDocument.Parse(shown.Stdout).RootElement.Clone() : null;
    }

    /// <summary>The spans of the trace whose gateway span carries the request id <paramref name="marker"/>.</summary>
    private async Task<List<JsonElement>> SpansOfRequestAsync(string marker)
    {
        var listed = await mesh.Cli.RunAsync("traces", "--service", "istio-ingressgateway.istio-system", "--limit", "50", "-o", "json");
        foreach (var trace in JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray())
        {
            var spans = (await TraceAsync(trace.GetProperty("traceId").GetString()!))?.EnumerateArray().ToList() ?? [];
            if (spans.Any(s => s.GetProperty("tags").TryGetProperty("guid:x-request-id", out var id) && id.GetString() == marker)) return spans;
        }
        return [];
    }

    private async Task<string> WriteAsync(string yaml)
    {
        var file = Path.Combine(mesh.Cli.Home, $"telemetry-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return file;
    }

    /// <summary>The parent span's id; the CLI's JSON leaves the field out of a root span.</summary>
    private static string? Parent(JsonElement span) => span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null;

    private static string Service(JsonElement span) => span.GetProperty("service").GetString()!;
    private static string Kind(JsonElement span) => span.GetProperty("kind").GetString()!;
    private static string Name(JsonElement span) => span.GetProperty("name").GetString()!;
    private static DateTimeOffset Start(JsonElement span) => span.GetProperty("start").GetDateTimeOffset();
    private static DateTimeOffset End(JsonElement span) => Start(span) + TimeSpan.Parse(span.GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
}
