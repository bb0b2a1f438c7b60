using System.CommandLine;
using Trellis.Cli.Commands;

var root = new RootCommand("Trellis: a service mesh that runs the Istio/Envoy configuration you already have.");
root.Options.Add(CommonOptions.Home);
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);

return await root.Parse(args).InvokeAsync();
