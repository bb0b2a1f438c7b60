using System.CommandLine;
using Trellis.Cli.Doctor;
using Trellis.Cli.Output;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>`trellis doctor`: checks this machine and the running mesh, as `linkerd check` does, with a plain fix for
/// every problem; exits 1 when a check failed.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var output = CommonOptions.Output("text");
        var command = new Command("doctor", "Check this machine and the running mesh, and say how to fix what is wrong") { output };
        command.SetAction(async (result, ct) =>
        {
            var home = CommonOptions.ResolveHome(result);
            var state = MeshState.ReadRunning(home);
            var results = EnvironmentChecks.Run(home, state is not null, OnPath).ToList();
            if (state is not null) results.AddRange(await MeshChecks.RunAsync(home, state, ct));
            else results.Add(CheckResult.Ok("mesh", "running mesh", $"none in {home.Root}; start one with `trellis up -f DIR` or `trellis demo`"));

            var format = result.GetValue(output)!;
            if (format is "json" or "yaml") Printer.Structured(results.Select(r => new { r.Area, r.Name, status = r.Status.ToString(), r.Detail, r.Fix }), format);
            else Print(results);
            return results.Any(r => r.Status == CheckStatus.Failed) ? 1 : 0;
        });
        return command;
    }

    private static void Print(IReadOnlyList<CheckResult> results)
    {
        foreach (var area in results.GroupBy(r => r.Area))
        {
            Console.WriteLine(area.Key);
            Console.WriteLine(new string('-', area.Key.Length));
            foreach (var r in area)
            {
                var mark = r.Status switch { CheckStatus.Ok => "√", CheckStatus.Warning => "‼", _ => "×" };
                Console.WriteLine($"{mark} {r.Name}: {r.Detail}");
                if (r.Fix is not null) Console.WriteLine($"    fix: {r.Fix}");
            }
            Console.WriteLine();
        }
        var failed = results.Count(r => r.Status == CheckStatus.Failed);
        var warned = results.Count(r => r.Status == CheckStatus.Warning);
        Console.WriteLine(failed == 0 ? $"Status check results are √{(warned > 0 ? $" ({warned} warning{(warned == 1 ? "" : "s")})" : "")}"
            : $"Status check results are × ({failed} failed)");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}
