using System.CommandLine;
using Trellis.Cli.Output;
using Trellis.Config;

namespace Trellis.Cli.Commands;

/// <summary>`trellis analyze -f DIR` (or `-f -` for standard input): validates manifests without a running mesh, like
/// `istioctl analyze`, within the same limits as an apply.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var files = CommonOptions.Files();
        var recursive = CommonOptions.Recursive();
        var output = CommonOptions.Output("text");
        var command = new Command("analyze", "Validate configuration files without a running mesh") { files, recursive, output };
        command.SetAction(result =>
        {
            var load = ConfigLoader.LoadPaths(result.GetValue(files)!, result.GetValue(recursive), Console.In);
            var diagnostics = ConfigValidator.Validate(load);
            var format = result.GetValue(output)!;
            if (format is "json" or "yaml")
            {
                Printer.Structured(diagnostics.Select(DiagnosticView.From).ToList(), format);
            }
            else if (diagnostics.Count == 0)
            {
                Console.WriteLine($"\u2714 No validation issues found when analyzing {load.Resources.Count} objects.");
            }
            else
            {
                foreach (var d in diagnostics) Console.WriteLine(d.ToString());
            }
            return diagnostics.Any(d => d.Severity == Severity.Error) ? 1 : 0;
        });
        return command;
    }
}
