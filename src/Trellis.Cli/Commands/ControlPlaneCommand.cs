using System.CommandLine;
using Trellis.ControlPlane;
using Trellis.LocalMode;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>`trellis controlplane`: runs trellisd (xDS server + config API). Started by `trellis up`.</summary>
internal static class ControlPlaneCommand
{
    public static Command Create()
    {
        var xdsPort = new Option<int>("--xds-port") { Required = true };
        var apiPort = new Option<int>("--api-port") { Required = true };
        var credential = new Option<string>("--admin-credential-file") { Required = true, Description = "File (0600) holding the admin credential" };
        var command = new Command("controlplane", "Run the control plane (normally started by `trellis up`)") { xdsPort, apiPort, credential };
        command.Hidden = true;
        command.SetAction(async (result, ct) =>
        {
            // The home and its credential are `trellis up`'s: the control plane reads them and creates neither.
            var home = CommonOptions.ResolveHome(result);
            string token;
            try
            {
                token = SecretFile.Read(result.GetValue(credential)!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Never serve without the credential: that would take apply from anyone on the machine.
                Console.Error.WriteLine($"error: cannot read the admin credential: {e.Message}");
                return 1;
            }
            // The composition root of local mode: the control plane learns the runtime's pods through this source.
            await using var workloads = new LocalPodWorkloads(home);
            await ControlPlaneHost.RunAsync(new ControlPlaneOptions(home.StoreDirectory, workloads, result.GetValue(xdsPort), result.GetValue(apiPort), token), ct);
            return 0;
        });
        return command;
    }
}
