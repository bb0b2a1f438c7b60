using Trellis.Config.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>Splits a file's text into YAML documents (JSON is YAML too), skipping empty ones; malformed YAML
/// becomes one positioned error for the whole file.</summary>
internal static class YamlDocumentReader
{
    /// <summary>Files larger than this are refused rather than parsed.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    public static IReadOnlyList<YamlNode> Read(string text, string file, List<Diagnostic> diagnostics)
    {
        if (text.Length > MaxBytes)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.UnreadableInput, $"file is larger than {MaxBytes / (1024 * 1024)} MiB", new SourceLocation(file, 1, 1)));
            return [];
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var at = new SourceLocation(file, (int)Math.Max(1, e.Start.Line), (int)Math.Max(1, e.Start.Column));
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.YamlSyntaxError, $"malformed YAML: {Describe(e)}", at));
            return [];
        }
        return stream.Documents
            .Select(d => d.RootNode)
            .Where(root => !ScalarReader.IsNull(root))
            .ToList();
    }

    private static string Describe(YamlException e)
    {
        var message = e.Message;
        // YamlDotNet prefixes some messages with the position we already report.
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && close > 0) message = message[(close + 3)..];
        return message.TrimEnd('.');
    }
}
