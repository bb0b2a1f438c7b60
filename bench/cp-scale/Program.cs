using System.Globalization;
using Trellis.Bench.CpScale;
using Trellis.Runtime;

// cp-scale [SERVICES] [PROXIES] [--home DIR] [--timeout SECONDS] [--max-rss-mb MB] [--namespace-sidecars]: prints the run's markdown table on
// stdout, progress on stderr; exits 1 unless every proxy ACKed a full config and the change reached at least one of them.
var positional = new List<int>();
string? homeOption = null;
var timeout = TimeSpan.FromMinutes(10);
var rssLimitMb = 8192;
var namespaceSidecars = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--home" when i + 1 < args.Length:
            homeOption = args[++i];
            break;
        case "--timeout" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var seconds):
            timeout = TimeSpan.FromSeconds(seconds);
            i++;
            break;
        case "--max-rss-mb" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var mb):
            rssLimitMb = mb;
            i++;
            break;
        case "--namespace-sidecars":
            namespaceSidecars = true;
            break;
        default:
            if (!int.TryParse(args[i], CultureInfo.InvariantCulture, out var n) || n <= 0)
            {
                Console.Error.WriteLine($"usage: cp-scale [SERVICES] [PROXIES] [--home DIR] [--timeout SECONDS] [--max-rss-mb MB] [--namespace-sidecars] (not \"{args[i]}\")");
                return 2;
            }
            positional.Add(n);
            break;
    }
}
var services = positional.ElementAtOrDefault(0) is > 0 and var s ? s : 1000;
var proxies = positional.ElementAtOrDefault(1) is > 0 and var p ? p : 2000;
var trellisDll = Path.Combine(AppContext.BaseDirectory, "trellis.dll");
var home = new MeshHome(homeOption ?? Path.Combine(Path.GetTempPath(), $"trellis-cp-scale-{Environment.ProcessId}"));

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
try
{
    var figures = await new ScaleBenchmark(new MeshManifests(services, namespaceSidecars), proxies, trellisDll, home, timeout, rssLimitMb * 1024L * 1024, Console.Error).RunAsync(cancel.Token);
    Console.Write(ScaleReport.Render(figures));
    return figures.Completed ? 0 : 1;
}
finally
{
    // A home the harness made for itself goes with it; one the user named is kept for inspection.
    if (homeOption is null && Directory.Exists(home.Root)) Directory.Delete(home.Root, recursive: true);
}
