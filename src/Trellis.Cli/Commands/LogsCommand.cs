using System.CommandLine;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>`trellis logs POD|deploy/NAME [-c CONTAINER] [-f]`; `-c proxy` is the sidecar (istio-proxy).</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("pod") { Description = "POD or deploy/NAME" };
        var ns = CommonOptions.Namespace();
        var container = new Option<string?>("--container", "-c") { Description = "Container: the app's name, or proxy / istio-proxy for the sidecar" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines" };
        var command = new Command("logs", "Print a pod's app or sidecar logs") { target, ns, container, follow };
        command.SetAction(async (result, ct) =>
        {
            var home = CommonOptions.ResolveHome(result);
            var pod = PodSelector.Find(home, result.GetValue(target)!, result.GetValue(ns));
            if (pod is null) return 1;
            var name = result.GetValue(container) switch
            {
                null => pod.AppContainer,
                "proxy" or "sidecar" => LocalSupervisor.SidecarContainerName,
                var c => c,
            };
            var path = home.PodLogPath(pod.Namespace, pod.Name, name);
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"error: container {name} is not valid for pod {pod.Name} (no log at {path})");
                return 1;
            }
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var reader = new StreamReader(stream);
            var stdout = Console.Out;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var line = await reader.ReadLineAsync(ct);
                    if (line is not null)
                    {
                        await stdout.WriteLineAsync(line);
                        continue;
                    }
                    if (!result.GetValue(follow)) break;
                    await Task.Delay(200, ct);
                    // The log was rotated: what we hold is now x.log.1, finished; follow the new file from its start.
                    if (File.Exists(path) && new FileInfo(path).Length < stream.Position)
                    {
                        reader.Dispose();
                        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                        reader = new StreamReader(stream);
                    }
                }
            }
            finally
            {
                reader.Dispose();
            }
            return 0;
        });
        return command;
    }
}
