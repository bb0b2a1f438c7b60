using System.CommandLine;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>Options shared by many verbs, spelled as kubectl and istioctl spell them.</summary>
internal static class CommonOptions
{
    public static readonly Option<string?> Home = new("--home")
    {
        Description = "State directory of the mesh (default: $TRELLIS_HOME or ~/.trellis)",
        Recursive = true,
    };

    public static Option<string?> Namespace() => new("--namespace", "-n") { Description = "Namespace" };

    public static Option<string> Output(string defaultFormat = "table") => new("--output", "-o")
    {
        Description = "Output format: table|wide|json|yaml",
        DefaultValueFactory = _ => defaultFormat,
    };

    public static Option<string[]> Files() => new("--filename", "-f")
    {
        Description = "Manifest file or directory (repeatable)",
        AllowMultipleArgumentsPerToken = true,
        Required = true,
    };

    public static Option<bool> Recursive() => new("--recursive", "-R")
    {
        Description = "Process the directories given with -f recursively",
    };

    public static MeshHome ResolveHome(ParseResult result) => MeshHome.Resolve(result.GetValue(Home));
}
