using System.CommandLine;
using Trellis.ControlPlane.Api;
using Trellis.LocalMode;

namespace Trellis.Cli.Commands;

/// <summary>`trellis apply -f` and `trellis delete -f`: send manifests to the running control plane,
/// which accepts them as a whole or rejects them as a whole.</summary>
internal static class ApplyCommand
{
    public static Command Create(string verb)
    {
        var files = CommonOptions.Files();
        var recursive = CommonOptions.Recursive();
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate only; change nothing" };
        var command = new Command(verb, verb == "apply"
            ? "Apply configuration to the running mesh (all or nothing)"
            : "Delete the objects named in the files from the running mesh") { files, recursive, dryRun };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            List<ManifestFile> manifests;
            try
            {
                manifests = ManifestFiles.Read(result.GetValue(files)!, result.GetValue(recursive));
            }
            catch (InputRefusedException e)
            {
                Console.Error.WriteLine(e.Diagnostic.ToString());
                return Rejected(verb);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            using var client = new ControlPlaneClient(home, state);
            ApplyResponse response;
            try
            {
                response = await client.SendAsync(verb, new ApplyRequest(manifests, result.GetValue(dryRun)), ct);
            }
            catch (ControlPlaneRefusedException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            foreach (var d in response.Diagnostics) Console.Error.WriteLine(d.Text);
            if (!response.Accepted) return Rejected(verb);
            var suffix = result.GetValue(dryRun) ? " (dry run)" : "";
            foreach (var r in response.Results) Console.WriteLine($"{r.Object} {r.Action}{suffix}");
            return response.Results.Any(r => r.Action == "not found") ? 1 : 0;
        });
        return command;
    }

    private static int Rejected(string verb)
    {
        Console.Error.WriteLine($"error: configuration rejected; nothing was {(verb == "apply" ? "applied" : "deleted")} and the mesh keeps serving the previous configuration");
        return 1;
    }
}
