using System.CommandLine;
using Trellis.Cli.Commands;

var root = new RootCommand("Trellis: a service mesh that runs the Istio/Envoy configuration you already have.");
root.Options.Add(CommonOptions.Home);
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);

// System.CommandLine ends the process 2 s after SIGINT/SIGTERM by default, which would cut `trellis up`
// short while it stops pods, gateway and control plane (leaving them running) and cut a proxy's drain.
// Give shutdown as long as `trellis down` waits for it.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) };
return await root.Parse(args).InvokeAsync(invocation);
