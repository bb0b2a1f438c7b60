using System.CommandLine;
using Trellis.ControlPlane;

namespace Trellis.Cli.Commands;

/// <summary>`trellis controlplane`: runs trellisd (xDS server + config API). Started by `trellis up`.</summary>
internal static class ControlPlaneCommand
{
    public static Command Create()
    {
        var xdsPort = new Option<int>("--xds-port") { Required = true };
        var apiPort = new Option<int>("--api-port") { Required = true };
        var command = new Command("controlplane", "Run the control plane (normally started by `trellis up`)") { xdsPort, apiPort };
        command.Hidden = true;
        command.SetAction(async (result, ct) =>
        {
            var home = CommonOptions.ResolveHome(result);
            home.EnsureExists();
            await ControlPlaneHost.RunAsync(new ControlPlaneOptions(home.Root, result.GetValue(xdsPort), result.GetValue(apiPort)), ct);
            return 0;
        });
        return command;
    }
}
