using System.CommandLine;
using Trellis.ControlPlane;
using Trellis.ControlPlane.Identity;
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
        var caCerts = new Option<string?>("--cacerts") { Description = "Plug-in CA folder (ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem); default HOME/cacerts if present" };
        var command = new Command("controlplane", "Run the control plane (normally started by `trellis up`)") { xdsPort, apiPort, credential, caCerts };
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
            try
            {
                var plugIn = result.GetValue(caCerts) ?? (Directory.Exists(home.CaCertsDirectory) ? home.CaCertsDirectory : null);
                var identity = IdentityOptions.FromEnvironment(home.IdentityDirectory, plugIn, home.TokenSigningKeyPath, Environment.GetEnvironmentVariable);
                await ControlPlaneHost.RunAsync(new ControlPlaneOptions(home.StoreDirectory, workloads, result.GetValue(xdsPort), result.GetValue(apiPort), token)
                {
                    Identity = identity,
                }, ct);
            }
            catch (IdentityConfigurationException e)
            {
                // Never a self-signed fallback for a CA the user chose: no CA, no control plane, and the reason.
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            return 0;
        });
        return command;
    }
}
