using System.CommandLine;

namespace Trellis.Cli.Commands;

/// <summary>`trellis x ...`: inspection verbs that mirror istioctl's experimental ones.</summary>
internal static class ExperimentalCommand
{
    public static Command Create() => new("x", "Experimental inspection commands (authz check, ...)") { AuthzCommand.Create() };
}
