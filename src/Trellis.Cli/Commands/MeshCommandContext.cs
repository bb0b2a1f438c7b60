using System.CommandLine;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>Finds the running mesh for verbs that need one, with one clear message when there is none.</summary>
internal static class MeshCommandContext
{
    public static bool TryGetRunning(ParseResult result, out MeshHome home, out MeshState state)
    {
        home = CommonOptions.ResolveHome(result);
        var running = MeshState.ReadRunning(home);
        if (running is null)
        {
            Console.Error.WriteLine($"error: no mesh is running in {home.Root} (start one with `trellis up -f DIR` or `trellis demo`; choose another with --home)");
            state = null!;
            return false;
        }
        state = running;
        return true;
    }
}
