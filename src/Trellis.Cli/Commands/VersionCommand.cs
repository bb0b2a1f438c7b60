using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Trellis.Cli.Commands;

/// <summary>`trellis version`: the CLI's version (with the commit it was built from) and the runtime it runs on.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print Trellis's version and the .NET runtime it runs on");
        command.SetAction(_ =>
        {
            Console.WriteLine($"trellis {Informational}");
            Console.WriteLine($".NET {Environment.Version} on {RuntimeInformation.RuntimeIdentifier}");
            return 0;
        });
        return command;
    }

    /// <summary>The package version and, when built from a git checkout, "+COMMIT".</summary>
    public static string Informational =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
