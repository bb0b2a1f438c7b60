using System.Diagnostics;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Benchmarks;

/// <summary>The data-plane benchmarks still run: each once on a tiny load, proving every row it reports was measured
/// and served. Not timed: the figures come from full runs recorded in bench/RESULTS.md.</summary>
public sealed class DataPlaneBenchmarkTests
{
    [Fact]
    public async Task Bench_run_reports_every_topology_under_load_and_at_a_fixed_rate_with_every_request_served()
    {
        var rows = await RunAsync("bench/run.sh", "1", "4");

        string[] topologies = ["direct", "Trellis two hops", "nginx two hops", "Trellis two hops, mTLS", "nginx two hops, mTLS"];
        // Each topology twice: the throughput table (wrk) and the fixed-rate table (hey).
        Assert.Equal(topologies.SelectMany(t => new[] { t, t }).Order(), rows.Select(r => r.Name).Order());
    }

    [Fact]
    public async Task Bench_telemetry_reports_every_telemetry_setting_with_every_request_served()
    {
        // One round where the script takes a round count.
        var rows = await RunAsync("bench/telemetry.sh", "1", "4", "1");

        Assert.Equal(["metrics", "metrics + tracing 1%", "metrics + tracing 1% + access logs", "telemetry off"], rows.Select(r => r.Name).Order());
    }

    [Fact]
    public async Task Bench_pairs_measures_both_environments_on_fresh_meshes_with_every_request_served()
    {
        // The script itself fails on a round that was not all 2xx.
        var stdout = await RunScriptAsync("bench/pairs.sh", "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0", "none", "1", "1", "1");

        var pair = Assert.Single(stdout.Split('\n'), line => line.StartsWith("| 1 |"));
        var sides = pair.Split('|').Select(cell => cell.Trim()).Where(cell => cell.Contains('@')).ToList();
        Assert.Equal(2, sides.Count);
        Assert.All(sides, side => Assert.Matches(@"^[1-9]\d*@[1-9]\d*$", side));
    }

    private sealed record Row(string Name, string RequestsPerSecond, string Non2xx);

    /// <summary>Runs a benchmark against this test run's own build and returns the rows of the markdown tables it
    /// printed, each checked to have served requests and only 2xx answers.</summary>
    private static async Task<IReadOnlyList<Row>> RunAsync(string script, params string[] args)
    {
        var stdout = await RunScriptAsync(script, args);
        // Table rows: "| name | p50 | p99 | req/s | non-2xx | ...", without the header and separator lines.
        var rows = stdout.Split('\n')
            .Where(line => line.StartsWith("| ") && !line.StartsWith("|---"))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .Where(cells => cells[4] != "req/s")
            .Select(cells => new Row(cells[1], cells[4], cells[5]))
            .ToList();
        Assert.True(rows.Count > 0, $"{script} printed no table:\n{stdout}");
        Assert.All(rows, row =>
        {
            Assert.True(double.TryParse(row.RequestsPerSecond, out var rps) && rps > 0, $"{row.Name}: {row.RequestsPerSecond} req/s\n{stdout}");
            Assert.True(row.Non2xx == "0", $"{row.Name}: {row.Non2xx} non-2xx\n{stdout}");
        });
        return rows;
    }

    /// <summary>Runs a benchmark against this test run's own build (TRELLIS_DLL: nothing is rebuilt); its standard output
    /// once it exited 0.</summary>
    private static async Task<string> RunScriptAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TRELLIS_DLL"] = Repo.TrellisDll;
        foreach (var proxyVar in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY" })
            start.Environment.Remove(proxyVar);

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within 5 minutes: {await stdout}{await stderr}");
        }
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{script} exited {process.ExitCode}:\n{output}");
        return await stdout;
    }
}
