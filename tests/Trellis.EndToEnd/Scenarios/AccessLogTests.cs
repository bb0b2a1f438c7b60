using System.Net;
using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>As an operator I turn on access logs the way Istio's docs do, with MeshConfig <c>accessLogFile:
/// /dev/stdout</c>, and read them with `trellis logs POD -c istio-proxy`: one line per request in Istio's default
/// format, or JSON with <c>accessLogEncoding: JSON</c>.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class AccessLogTests(BookinfoMesh mesh)
{
    private static string MeshConfig(string extra = "") => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata: {"{"}name: istio, namespace: istio-system{"}"}
        data:
          mesh: |
            accessLogFile: /dev/stdout
        {extra}
        """;

    [Fact]
    public async Task Access_logs_in_istios_default_format_show_in_the_sidecars_log()
    {
        var manifest = await Write(MeshConfig());
        try
        {
            Assert.True((await mesh.Cli.RunAsync("apply", "-f", manifest)).ExitCode == 0);
            var marker = $"access-log-{Guid.NewGuid():N}";
            await mesh.WaitUntilAsync(async () =>
            {
                using var client = mesh.IngressClient();
                using var request = new HttpRequestMessage(HttpMethod.Get, "/productpage");
                request.Headers.Add("x-request-id", marker);
                using var response = await client.SendAsync(request);
                return (await SidecarLogAsync("productpage-v1")).Split('\n')
                    .Any(l => l.Contains(marker, StringComparison.Ordinal) && l.Contains("\"GET /productpage ", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(30), "productpage's sidecar to log the request");

            // productpage's calls to details and reviews carry the same request id; the inbound line is the one for /productpage.
            var line = (await SidecarLogAsync("productpage-v1")).Split('\n').Last(l => l.Contains(marker, StringComparison.Ordinal) && l.Contains("\"GET /productpage ", StringComparison.Ordinal));
            Assert.Matches("""^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\] "GET /productpage HTTP/1\.1" 200 - """, line);
            Assert.Contains("inbound|9080||", line);
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", manifest);
        }
    }

    [Fact]
    public async Task Json_encoding_writes_one_json_object_per_request()
    {
        var manifest = await Write(MeshConfig("    accessLogEncoding: JSON"));
        try
        {
            Assert.True((await mesh.Cli.RunAsync("apply", "-f", manifest)).ExitCode == 0);
            var marker = $"access-log-{Guid.NewGuid():N}";
            using var app = mesh.ClientInPod("productpage-v1");
            await mesh.WaitUntilAsync(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "http://details:9080/details/0");
                request.Headers.Add("x-request-id", marker);
                using var response = await app.SendAsync(request);
                return (await SidecarLogAsync("details-v1")).Contains(marker, StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(30), "details' sidecar to log the request as JSON");

            var line = (await SidecarLogAsync("details-v1")).Split('\n').Last(l => l.Contains(marker, StringComparison.Ordinal));
            using var entry = JsonDocument.Parse(line[line.IndexOf('{')..]);
            Assert.Equal("/details/0", entry.RootElement.GetProperty("path").GetString());
            // Envoy's JSON logs a lone numeric operator as a number.
            Assert.Equal(JsonValueKind.Number, entry.RootElement.GetProperty("response_code").ValueKind);
            Assert.Equal(200, entry.RootElement.GetProperty("response_code").GetInt32());
            Assert.Equal(marker, entry.RootElement.GetProperty("request_id").GetString());
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", manifest);
        }
    }

    [Fact]
    public async Task The_seeds_mesh_wide_telemetry_logs_failed_requests_and_a_workload_telemetry_turns_them_off_for_one_app()
    {
        // The seed's Telemetry as written: its access logging and its filter are enforced (only responses of 400 and
        // above are logged), so is its metric override (a request_host label from request.host), and its undeclared
        // zipkin provider is a warning.
        var seed = await Write("""
            apiVersion: telemetry.istio.io/v1alpha1
            kind: Telemetry
            metadata:
              name: mesh-observability
              namespace: istio-system
            spec:
              accessLogging:
              - providers:
                - name: envoy
                filter:
                  expression: "response.code >= 400"
              tracing:
              - randomSamplingPercentage: 10.0
                providers:
                - name: zipkin
              metrics:
              - providers:
                - name: prometheus
                overrides:
                - match:
                    metric: REQUEST_COUNT
                    mode: CLIENT_AND_SERVER
                  tagOverrides:
                    request_host:
                      operation: UPSERT
                      value: "request.host"
            ---
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: quiet-details, namespace: bookinfo}
            spec:
              selector: {matchLabels: {app: details}}
              accessLogging:
              - providers: [{name: envoy}]
                disabled: true
            """);
        try
        {
            var applied = await mesh.Cli.RunAsync("apply", "-f", seed);
            Assert.True(applied.ExitCode == 0, applied.All);
            Assert.DoesNotContain("TRL0006", applied.All);
            Assert.Contains("unknown provider \"zipkin\"", applied.All);

            var marker = $"telemetry-{Guid.NewGuid():N}";
            var succeeded = $"telemetry-{Guid.NewGuid():N}";
            using var app = mesh.ClientInPod("productpage-v1");
            await mesh.WaitUntilAsync(async () =>
            {
                using (var ok = new HttpRequestMessage(HttpMethod.Get, "http://ratings:9080/ratings/0"))
                {
                    ok.Headers.Add("x-request-id", succeeded);
                    using var response = await app.SendAsync(ok);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
                using var failing = new HttpRequestMessage(HttpMethod.Get, "http://ratings:9080/no-such-page");
                failing.Headers.Add("x-request-id", marker);
                using var failed = await app.SendAsync(failing);
                Assert.Equal(HttpStatusCode.NotFound, failed.StatusCode);
                return (await SidecarLogAsync("ratings-v1")).Contains(marker, StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(30), "ratings' sidecar to log the failed request under the mesh-wide Telemetry");
            Assert.DoesNotContain(succeeded, await SidecarLogAsync("ratings-v1"));
            var stats = await mesh.Cli.RunAsync("proxy-config", "stats", "deploy/productpage-v1", "-n", "bookinfo");
            Assert.Contains(stats.Stdout.Split('\n'), l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal)
                && l.Contains("destination_service_name=\"ratings\"") && l.Contains("request_host=\"ratings:9080\""));

            var quiet = $"telemetry-{Guid.NewGuid():N}";
            using (var request = new HttpRequestMessage(HttpMethod.Get, "http://details:9080/no-such-page"))
            {
                request.Headers.Add("x-request-id", quiet);
                using var response = await app.SendAsync(request);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }
            // productpage's own sidecar logs the call on its client side; details' sidecar, whose Telemetry disables it, does not.
            await mesh.WaitUntilAsync(async () => (await SidecarLogAsync("productpage-v1")).Contains(quiet, StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), "productpage's sidecar to log its call to details");
            Assert.DoesNotContain(quiet, await SidecarLogAsync("details-v1"));
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", seed);
        }
    }

    private async Task<string> SidecarLogAsync(string deployment)
    {
        var logs = await mesh.Cli.RunAsync("logs", $"deploy/{deployment}", "-n", "bookinfo", "-c", "istio-proxy");
        Assert.True(logs.ExitCode == 0, logs.All);
        return logs.Stdout;
    }

    private static async Task<string> Write(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("trellis-e2e-access-log-").FullName, "mesh.yaml");
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }
}
