using System.CommandLine;
using System.Globalization;
using Trellis.Cli.Output;
using Trellis.ControlPlane.Observability.Stats;
using Trellis.LocalMode;

namespace Trellis.Cli.Commands;

/// <summary>`trellis top`: a live per-service (or per-workload) RED view in the terminal, like `linkerd viz stat`: requests
/// per second, success rate, latency percentiles and the share over mutual TLS, from the proxies' own metrics.</summary>
internal static class TopCommand
{
    public static Command Create()
    {
        var window = new Option<int>("--window") { Description = "Seconds of traffic each figure covers", DefaultValueFactory = _ => 60 };
        var interval = new Option<int>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 2 };
        var once = new Option<bool>("--once") { Description = "Print one table and exit (the default when output is not a terminal)" };
        var workloads = new Option<bool>("--workloads") { Description = "One row per workload instead of per service" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Only this namespace" };
        var output = CommonOptions.Output("text");
        var command = new Command("top", "Show live requests/s, success rate and latency per service") { window, interval, once, workloads, ns, output };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            using var client = new ControlPlaneClient(home, state);
            var format = result.GetValue(output)!;
            var live = !result.GetValue(once) && !Console.IsOutputRedirected && format == "text";
            var seconds = Math.Clamp(result.GetValue(window), 1, 900);
            try
            {
                do
                {
                    var stats = await client.StatsAsync(seconds, ct);
                    var rows = (result.GetValue(workloads) ? stats?.Workloads : stats?.Services) ?? [];
                    rows = rows.Where(r => result.GetValue(ns) is not { } only || r.Namespace == only).ToList();
                    if (format is "json" or "yaml")
                    {
                        Printer.Structured(rows, format);
                        return 0;
                    }
                    if (live) Console.Clear();
                    Print(rows, stats?.WindowSeconds ?? 0, live);
                    if (live) await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, result.GetValue(interval))), ct);
                } while (live);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (HttpRequestException e)
            {
                Console.Error.WriteLine($"error: the control plane at {state.ApiUrl} does not answer: {e.Message}");
                return 1;
            }
            return 0;
        });
        return command;
    }

    private static void Print(IReadOnlyList<RedStatsDto> rows, double windowSeconds, bool live)
    {
        if (live) Console.WriteLine($"trellis top · last {windowSeconds:F0} s · {DateTime.Now:T} · Ctrl-C to stop");
        if (rows.Count == 0)
        {
            Console.WriteLine(windowSeconds > 0 ? "no traffic in this window" : "no traffic yet (the control plane scrapes proxies every few seconds)");
            return;
        }
        Printer.Table(["name", "namespace", "rps", "success", "latency_p50", "latency_p95", "latency_p99", "mtls"], rows.Select(r => (IReadOnlyList<string>)
        [
            r.Name, r.Namespace, r.RequestsPerSecond.ToString("F2", CultureInfo.InvariantCulture), Percent(r.SuccessPercent),
            Millis(r.P50Milliseconds), Millis(r.P95Milliseconds), Millis(r.P99Milliseconds), Percent(r.MutualTlsPercent),
        ]));
    }

    private static string Percent(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) + "%" : "-";

    private static string Millis(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) + "ms" : "-";
}
