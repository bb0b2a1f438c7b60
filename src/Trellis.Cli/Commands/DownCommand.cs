using System.CommandLine;
using System.Diagnostics;
using Trellis.Cli.Home;

namespace Trellis.Cli.Commands;

/// <summary>`trellis down`: asks the running `trellis up` to stop everything, and waits for it.</summary>
internal static class DownCommand
{
    public static Command Create()
    {
        var command = new Command("down", "Stop the running mesh (all pods, sidecars, gateway, control plane)");
        command.SetAction(async (result, ct) =>
        {
            var home = CommonOptions.ResolveHome(result);
            var state = MeshState.ReadRunning(home);
            if (state is null)
            {
                Console.WriteLine($"no mesh is running in {home.Root}");
                return 0;
            }
            Console.WriteLine($"stopping the mesh in {home.Root} (supervisor pid {state.SupervisorPid})");
            Trellis.Runtime.Signals.Send(state.SupervisorPid, Trellis.Runtime.Signals.SigTerm);
            var deadline = Stopwatch.StartNew();
            while (MeshState.IsAlive(state.SupervisorPid) && deadline.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(100, ct);
            if (MeshState.IsAlive(state.SupervisorPid))
            {
                Console.Error.WriteLine("error: the mesh did not stop within 60s");
                return 1;
            }
            Console.WriteLine("mesh stopped");
            return 0;
        });
        return command;
    }
}
