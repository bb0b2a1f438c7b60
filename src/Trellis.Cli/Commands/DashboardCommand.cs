using System.CommandLine;
using Trellis.Cli.Prometheus;
using Trellis.LocalMode;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>`trellis dashboard`: where the control plane serves the mesh's web dashboard (service graph, failures, RED
/// charts, traces, analysis, proxy sync), which needs no add-on; `trellis dashboard prometheus`, like `istioctl dashboard
/// prometheus`, runs a Prometheus that scrapes the mesh (found through the control plane's HTTP service discovery), in
/// the foreground until Ctrl-C.</summary>
internal static class DashboardCommand
{
    public const string DiscoveryPath = "/api/v1/prometheus/targets";

    public static Command Create()
    {
        var command = new Command("dashboard", "Print the URL of the mesh's web dashboard (service graph, failures, traces)") { Prometheus() };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            using var client = new ControlPlaneClient(home, state);
            if (!await client.IsHealthyAsync(ct))
            {
                Console.Error.WriteLine($"error: the control plane at {state.ApiUrl} does not answer; `trellis status` shows what is running");
                return 1;
            }
            Console.WriteLine(ControlPlaneClient.DashboardUrl(state));
            return 0;
        });
        return command;
    }

    private static Command Prometheus()
    {
        var port = new Option<int>("--port", "-p") { DefaultValueFactory = _ => 9090, Description = "Loopback port Prometheus listens on" };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 65535) r.AddError("--port: expected a port number (1-65535)");
        });
        var command = new Command("prometheus", "Run Prometheus (Debian's `prometheus` package) against the running mesh and print its URL") { port };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            if (PrometheusServer.FindExecutable() is not { } executable)
            {
                Console.Error.WriteLine("error: prometheus is not installed (no `prometheus` on PATH); install it with `apt-get install prometheus`");
                return 1;
            }
            var folder = Path.Combine(home.Root, "prometheus");
            Directory.CreateDirectory(folder);
            var config = Path.Combine(folder, "prometheus.yml");
            var discovery = new Uri(new Uri(state.ApiUrl), DiscoveryPath);
            await File.WriteAllTextAsync(config, PrometheusConfig.Render(discovery), ct);
            var log = home.SystemLogPath("prometheus");
            PrometheusServer server;
            try
            {
                server = await PrometheusServer.StartAsync(executable, config, Path.Combine(folder, "data"), result.GetValue(port), log, ct);
            }
            catch (PrometheusStartException e)
            {
                Console.Error.WriteLine($"error: {e.Message}; its log ({log}) ends with:");
                Console.Error.WriteLine(e.LogTail);
                return 1;
            }
            await using (server)
            {
                Console.WriteLine($"Prometheus: {server.Url}");
                Console.WriteLine($"  targets from {discovery} every {PrometheusConfig.ScrapeInterval.TotalSeconds:0}s (config {config}, log {log})");
                Console.WriteLine($"  try: sum(rate(istio_requests_total{{reporter=\"destination\"}}[1m])) by (destination_service_name)");
                Console.WriteLine("Press Ctrl-C to stop.");
                if (await server.WaitAsync(ct) is { } exit)
                {
                    Console.Error.WriteLine($"error: Prometheus exited with code {exit}; see {log}");
                    return 1;
                }
            }
            return 0;
        });
        return command;
    }
}
