using System.Diagnostics;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Benchmarks;

/// <summary>`bench/cp-scale/run.sh` on a tiny load, so CI proves the harness works; the figures come from full runs
/// recorded in bench/RESULTS.md, never from timing assertions here.</summary>
public sealed class ControlPlaneScaleBenchmarkTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_harness_syncs_every_simulated_proxy_and_measures_one_virtual_service_change()
    {
        var table = await RunAsync("50", "100");

        Assert.Contains("| connect storm: proxies that ACKed a full config (LDS, CDS, RDS, EDS) | 100/100 |", table);
        Assert.Contains("| VirtualService change: proxies that ACKed a new version | 100/100 |", table);
        Assert.Matches(@"\| VirtualService change: until ACKed, p50 / p99 / max \| \d+ ms / \d+ ms / \d+ ms \|", table);
        Assert.Matches(@"\| control plane RSS: peak \| [\d.]+ MB \|", table);
    }

    [Fact]
    public async Task With_a_namespace_local_sidecar_per_namespace_a_change_reaches_only_its_namespaces_proxies()
    {
        // 120 services in namespaces of 100: proxies 0-99 run in cps-00, where the changed service lives, 100-119 in cps-01.
        var table = await RunAsync("120", "120", "--namespace-sidecars");

        Assert.Contains("a namespace-local Sidecar in every namespace", table);
        Assert.Contains("| connect storm: proxies that ACKed a full config (LDS, CDS, RDS, EDS) | 120/120 |", table);
        Assert.Contains("| VirtualService change: proxies that ACKed a new version | 100/120 |", table);
    }

    private static async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in (string[])[Repo.Path("bench", "cp-scale", "run.sh"), .. args, "--timeout", "240"]) start.ArgumentList.Add(arg);
        // The simulated proxies dial the control plane on loopback directly, as sidecars do.
        foreach (var proxyVar in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY" }) start.Environment.Remove(proxyVar);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"bench/cp-scale/run.sh {string.Join(' ', args)} did not finish within {Limit}: {await stdout}{await stderr}");
        }

        var table = await stdout;
        Assert.True(process.ExitCode == 0, table + await stderr);
        return table;
    }
}
