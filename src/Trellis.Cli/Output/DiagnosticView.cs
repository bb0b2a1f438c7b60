using Trellis.Config;

namespace Trellis.Cli.Output;

/// <summary>A diagnostic flattened for -o json|yaml.</summary>
internal sealed record DiagnosticView(
    string Severity, string Code, string Message, string? File, int Line, int Column, string? Object, string? Field)
{
    public static DiagnosticView From(Diagnostic d) => new(
        d.Severity.ToString(), d.Code, d.Message, d.File, d.Line, d.Column, d.ObjectRef, d.FieldPath);
}
