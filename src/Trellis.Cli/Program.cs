using System.CommandLine;
using Trellis.Cli.Commands;
using Trellis.Cli.Output;

var root = new RootCommand("Trellis: a service mesh that runs the Istio/Envoy configuration you already have.");
root.Options.Add(CommonOptions.Home);
root.Options.Add(UnexpectedFailure.Verbose);
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);

// System.CommandLine ends the process 2 s after SIGINT/SIGTERM by default, which would cut `trellis up`
// short while it stops pods, gateway and control plane (leaving them running) and cut a proxy's drain.
// Give shutdown as long as `trellis down` waits for it.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60), EnableDefaultExceptionHandler = false };
var parsed = root.Parse(args);
try
{
    return await parsed.InvokeAsync(invocation);
}
catch (Exception e)
{
    return UnexpectedFailure.Report(e, parsed.GetValue(UnexpectedFailure.Verbose));
}
