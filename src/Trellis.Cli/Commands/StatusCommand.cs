using System.CommandLine;
using Trellis.Cli.Output;
using Trellis.LocalMode;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>`trellis status`: where the mesh's endpoints are and whether its pods are ready.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var output = CommonOptions.Output("text");
        var command = new Command("status", "Show the running mesh's endpoints and pod readiness") { output };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            using var client = new ControlPlaneClient(home, state);
            var cp = await client.IsHealthyAsync(ct) ? await client.StatusAsync(ct) : null;
            var pods = PodStateStore.Read(home);
            var view = new
            {
                home = home.Root,
                supervisorPid = state.SupervisorPid,
                startedAt = state.StartedAt,
                manifests = state.Manifests,
                controlPlane = new
                {
                    healthy = cp is not null,
                    pid = state.ControlPlanePid,
                    xds = state.XdsUrl,
                    api = state.ApiUrl,
                    configVersion = cp?.ConfigVersion,
                    connectedProxies = cp?.ConnectedProxies,
                    quarantined = cp?.Quarantined ?? [],
                },
                monitoring = $"{state.ApiUrl.TrimEnd('/')}/metrics",
                // The CA (Istio's IstioCertificateService) shares the xDS port, as on istiod.
                ca = state.XdsUrl,
                dashboard = ControlPlaneClient.DashboardUrl(state),
                ingress = new { url = state.IngressUrl, https = state.IngressHttpsPort > 0 ? state.IngressHttpsUrl : null, admin = $"http://127.0.0.1:{state.IngressAdminPort}" },
                pods = new { total = pods.Count, ready = pods.Count(p => p.Ready) },
            };
            var format = result.GetValue(output)!;
            if (format is "json" or "yaml")
            {
                Printer.Structured(view, format);
                return 0;
            }
            Console.WriteLine($"mesh home:      {view.home} (supervisor pid {view.supervisorPid}, up {Age.Format(view.startedAt)})");
            Console.WriteLine($"control plane:  {(cp is null ? "UNREACHABLE" : "healthy")}  xDS {state.XdsUrl}  API {state.ApiUrl}  config v{cp?.ConfigVersion}  proxies {cp?.ConnectedProxies}");
            Console.WriteLine($"monitoring:     {view.monitoring}");
            Console.WriteLine($"CA:             {view.ca}  (workload certificates: spiffe://TRUST-DOMAIN/ns/NS/sa/SA)");
            Console.WriteLine($"dashboard:      {view.dashboard}");
            Console.WriteLine($"ingress:        {view.ingress.url}  (admin {view.ingress.admin})");
            if (view.ingress.https is { } httpsUrl) Console.WriteLine($"ingress https:  {httpsUrl}  (the gateway's HTTPS and TLS servers)");
            Console.WriteLine($"pods:           {view.pods.ready}/{view.pods.total} ready");
            foreach (var q in view.controlPlane.quarantined)
                Console.WriteLine($"quarantined:    {q.File} (not loaded at start-up: {q.Reason})");
            return 0;
        });
        return command;
    }
}
