using System.Diagnostics;
using Trellis.LocalMode;
using Trellis.Runtime;

namespace Trellis.Cli.Output;

/// <summary>What `trellis up` tells the user while it works: timestamped steps, then a summary.</summary>
internal sealed class ProgressPrinter : ILocalMeshProgress
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();

    public void Step(string message)
    {
        lock (_gate) Console.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}");
    }

    public void Note(string line)
    {
        lock (_gate) Console.WriteLine(line);
    }

    public void Error(string line)
    {
        lock (_gate) Console.Error.WriteLine(line);
    }

    public void Summary(MeshHome home, IReadOnlyList<PodState> pods, string ingressUrl)
    {
        lock (_gate)
        {
            Console.WriteLine();
            Printer.Table(["namespace", "pod", "ready", "status", "app port", "sidecar admin"], pods
                .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => (IReadOnlyList<string>)[p.Namespace, p.Name, p.Ready ? "2/2" : "0/2", p.Phase.ToString(), p.AppPort.ToString(), p.AdminPort.ToString()]));
            Console.WriteLine();
            Console.WriteLine($"The mesh is up (home {home.Root}).");
            Console.WriteLine($"  ingress:   {ingressUrl}");
            if (pods.Any(p => p.Labels.TryGetValue("app", out var app) && app == "productpage"))
                Console.WriteLine($"  open:      {ingressUrl}/productpage");
            Console.WriteLine("  inspect:   trellis status | trellis get pods -A | trellis proxy-status");
            Console.WriteLine("  stop:      Ctrl-C here, or `trellis down` from another terminal");
        }
    }
}
