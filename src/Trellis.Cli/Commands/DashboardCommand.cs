using System.CommandLine;
using Trellis.LocalMode;

namespace Trellis.Cli.Commands;

/// <summary>`trellis dashboard`: where the control plane serves the mesh's web dashboard (service graph, failures,
/// RED charts, traces, analysis, proxy sync), which needs no add-on.</summary>
internal static class DashboardCommand
{
    public static Command Create()
    {
        var command = new Command("dashboard", "Print the URL of the mesh's web dashboard (service graph, failures, traces)");
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
}
