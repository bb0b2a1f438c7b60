using Trellis.Config.Model;
using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>Where binding happens (file and object) and the diagnostics it produces.</summary>
internal sealed class BindContext(string file, List<Diagnostic> diagnostics)
{
    // Aliases let a small document reference one node many times; cap the work a document can cause.
    private const int NodeBudget = 200_000;
    private int _visited;

    public string File { get; } = file;
    public string? ObjectRef { get; set; }
    public List<Diagnostic> Diagnostics { get; } = diagnostics;

    public bool OverBudget { get; private set; }

    public bool Visit(YamlNode node)
    {
        if (OverBudget) return false;
        if (++_visited <= NodeBudget) return true;
        OverBudget = true;
        Error(node, null, $"document is too large or too deeply aliased (more than {NodeBudget} nodes)", DiagnosticCodes.SchemaValidationError);
        return false;
    }

    public SourceLocation At(YamlNode node) => FieldLocator.At(File, node);

    public void Error(YamlNode node, string? path, string message, string code = DiagnosticCodes.SchemaValidationError) =>
        Diagnostics.Add(Diagnostic.Error(code, message, At(node), ObjectRef, path));

    public void Warning(YamlNode node, string? path, string message, string code = DiagnosticCodes.SchemaWarning) =>
        Diagnostics.Add(Diagnostic.Warning(code, message, At(node), ObjectRef, path));
}
