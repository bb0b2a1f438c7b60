using System.Diagnostics;
using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>As an operator I keep workload certificates short-lived: every proxy renews its own before it expires,
/// and traffic between sidecars under STRICT mutual TLS never notices, not one failed request under steady
/// concurrent load across several renewals of both the client's and the server's certificates.</summary>
public sealed class CertificateRotationTests(ShortLivedCertificatesMesh mesh) : IClassFixture<ShortLivedCertificatesMesh>
{
    private const int Workers = 8;

    [Fact]
    public async Task Certificates_rotate_under_concurrent_load_with_zero_failed_requests()
    {
        var client = PodsFile.Read(mesh.Cli.Home).Single(p => p.Deployment == "client");
        var before = await SerialsAsync();

        using var http = new HttpClient(new SocketsHttpHandler
        {
            Proxy = new WebProxy($"http://127.0.0.1:{client.OutboundPort}"),
            UseProxy = true,
            // Pooled connections to the sidecar live across the renewals, as a real app's would.
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }) { Timeout = TimeSpan.FromSeconds(10) };
        await mesh.WaitUntilAsync(async () => await OkAsync(http), TimeSpan.FromSeconds(60), "client → details over mutual TLS");

        // Two full lifetimes: each certificate is renewed at about half its life, so both proxies renew at least twice.
        var window = ShortLivedCertificatesMesh.CertificateTtl * 2;
        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            var (ok, failures) = (0, new List<string>());
            while (clock.Elapsed < window)
            {
                try
                {
                    using var response = await http.GetAsync("http://details.rotation:9080/details/0");
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK) ok++;
                    else failures.Add($"{clock.Elapsed:mm\\:ss\\.fff} {(int)response.StatusCode} {(response.Headers.TryGetValues("x-trellis-reason", out var r) ? string.Join(",", r) : "")} {body}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Add($"{clock.Elapsed:mm\\:ss\\.fff} {e.GetType().Name}: {e.Message}");
                }
            }
            return (ok, failures);
        }));

        var after = await SerialsAsync();
        var failed = outcomes.SelectMany(o => o.failures).ToList();
        var served = outcomes.Sum(o => o.ok);
        Assert.True(failed.Count == 0, $"{failed.Count} of {served + failed.Count} requests failed during rotation:\n{string.Join("\n", failed.Take(20))}");
        Assert.True(served > 100, $"only {served} requests were sent in {window}: the load did not run");
        foreach (var (deployment, serial) in before)
            Assert.True(after[deployment] != serial, $"{deployment}'s certificate was not renewed within {window} (serial {serial} both times)");
    }

    private static async Task<bool> OkAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("http://details.rotation:9080/details/0");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The serial number of each proxy's workload certificate, as `trellis proxy-config secret` shows it.</summary>
    private async Task<Dictionary<string, string>> SerialsAsync()
    {
        var serials = new Dictionary<string, string>();
        foreach (var deployment in new[] { "client", "details" })
        {
            var table = await mesh.Cli.RunAsync("proxy-config", "secret", $"deploy/{deployment}", "-n", "rotation");
            Assert.True(table.ExitCode == 0, table.All);
            var header = table.Stdout.Split('\n')[0];
            var line = table.Stdout.Split('\n').Single(l => l.StartsWith("default", StringComparison.Ordinal));
            var column = header.IndexOf("SERIAL NUMBER", StringComparison.Ordinal);
            Assert.True(column >= 0, $"no SERIAL NUMBER column in:\n{table.Stdout}");
            serials[deployment] = line[column..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        }
        return serials;
    }
}
