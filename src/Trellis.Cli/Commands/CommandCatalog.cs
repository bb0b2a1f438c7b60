using System.CommandLine;

namespace Trellis.Cli.Commands;

/// <summary>Every verb of the CLI, in the order `trellis --help` lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        UpCommand.Create(),
        UpCommand.CreateDemo(),
        DownCommand.Create(),
        StatusCommand.Create(),
        ApplyCommand.Create("apply"),
        ApplyCommand.Create("delete"),
        GetCommand.Create(),
        LogsCommand.Create(),
        ExecCommand.Create(),
        AnalyzeCommand.Create(),
        ProxyStatusCommand.Create(),
        ProxyConfigCommand.Create(),
        DashboardCommand.Create(),
        TopCommand.Create(),
        TracesCommand.Create(),
        XCommand.Create(),
        ControlPlaneCommand.Create(),
        Trellis.Proxy.ProxyCommand.Create(),
        DoctorCommand.Create(),
        VersionCommand.Create(),
    ];
}
