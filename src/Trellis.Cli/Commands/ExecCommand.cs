using System.CommandLine;
using System.Diagnostics;
using System.ComponentModel;

namespace Trellis.Cli.Commands;

/// <summary>`trellis exec deploy/NAME -- CMD...`: runs CMD on this machine as if inside that pod:
/// its outbound traffic goes through the pod's sidecar, so `curl http://reviews:9080/` works.</summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("pod") { Description = "POD or deploy/NAME" };
        var commandLine = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore, Description = "Command and arguments (after --)" };
        var ns = CommonOptions.Namespace();
        var container = new Option<string?>("--container", "-c") { Description = "Accepted for kubectl compatibility; every container of a pod shares its sidecar" };
        var command = new Command("exec", "Run a command with a pod's sidecar as its outbound proxy") { target, commandLine, ns, container };
        command.SetAction(async (result, ct) =>
        {
            var home = CommonOptions.ResolveHome(result);
            var pod = PodSelector.Find(home, result.GetValue(target)!, result.GetValue(ns));
            if (pod is null) return 1;
            var args = result.GetValue(commandLine)!;
            var start = new ProcessStartInfo(args[0]) { UseShellExecute = false };
            foreach (var a in args.Skip(1)) start.ArgumentList.Add(a);
            foreach (var (key, value) in Trellis.Runtime.OutboundCapture.Environment(pod.OutboundPort))
                start.Environment[key] = value;
            start.Environment["POD_NAME"] = pod.Name;
            start.Environment["POD_NAMESPACE"] = pod.Namespace;
            try
            {
                using var process = Process.Start(start)!;
                await process.WaitForExitAsync(ct);
                return process.ExitCode;
            }
            catch (Win32Exception)
            {
                Console.Error.WriteLine($"error: executable file not found: \"{args[0]}\"");
                return 127;
            }
        });
        return command;
    }
}
