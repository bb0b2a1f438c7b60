using System.CommandLine;
using Trellis.LocalMode;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>`trellis down`: asks the running `trellis up` to stop everything, and waits for it; when that
/// supervisor died without stopping its mesh, stops what it left running.</summary>
internal static class DownCommand
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var command = new Command("down", "Stop the running mesh (all pods, sidecars, gateway, control plane)");
        command.SetAction(async (result, ct) =>
        {
            var home = CommonOptions.ResolveHome(result);
            if (SupervisorLock.LiveSupervisor(home) is { } supervisor)
                return await StopAsync(home, supervisor, ct);
            if (LeftoverMesh.IsRecorded(home))
            {
                var killed = LeftoverMesh.Clean(home);
                Console.WriteLine(killed.Count == 0
                    ? $"the mesh in {home.Root} had lost its supervisor and nothing it started still runs; cleared its records"
                    : $"the mesh in {home.Root} had lost its supervisor; stopped {killed.Count} process(es) it left running");
                return 0;
            }
            Console.WriteLine($"no mesh is running in {home.Root}");
            return 0;
        });
        return command;
    }

    private static async Task<int> StopAsync(MeshHome home, int supervisor, CancellationToken ct)
    {
        if (supervisor <= 1)
        {
            // A lock held from another pid namespace reads as pid 0: signalling 0 would hit our own group.
            Console.Error.WriteLine($"error: the mesh in {home.Root} is run by a process this one cannot see; stop it where it runs");
            return 1;
        }
        Console.WriteLine($"stopping the mesh in {home.Root} (supervisor pid {supervisor})");
        if (!await SupervisorStop.RequestAsync(home, supervisor, StopTimeout, ct))
        {
            Console.Error.WriteLine($"error: the mesh did not stop within {StopTimeout.TotalSeconds:0}s");
            return 1;
        }
        Console.WriteLine("mesh stopped");
        return 0;
    }
}
