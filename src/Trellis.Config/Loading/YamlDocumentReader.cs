using Trellis.Config.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>Splits a file's text into YAML documents (JSON is YAML too), skipping empty ones; malformed YAML, or YAML
/// beyond <see cref="InputLimits"/>, becomes one positioned error for the whole file.</summary>
internal static class YamlDocumentReader
{
    public static IReadOnlyList<YamlNode> Read(string text, string file, List<Diagnostic> diagnostics)
    {
        var stream = new YamlStream();
        var parser = new GuardedParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (InputLimitException e)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.InputLimitExceeded, e.Message, At(file, e), e.ObjectRef));
            return [];
        }
        catch (YamlException e)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.YamlSyntaxError, $"malformed YAML: {Describe(e)}", At(file, e)));
            return [];
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet reports a few malformed inputs (a flow list left open before a block item: "a: [b\n- c")
            // with exceptions of its own state rather than a YamlException; they are malformed YAML all the same.
            var at = new SourceLocation(file, (int)Math.Max(1, parser.Position.Line), (int)Math.Max(1, parser.Position.Column));
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.YamlSyntaxError, "malformed YAML: cannot parse what follows; check the brackets, quotes and indentation from here", at));
            return [];
        }
        return stream.Documents
            .Select(d => d.RootNode)
            .Where(root => !ScalarReader.IsNull(root))
            .ToList();
    }

    private static SourceLocation At(string file, YamlException e) =>
        new(file, (int)Math.Max(1, e.Start.Line), (int)Math.Max(1, e.Start.Column));

    private static string Describe(YamlException e)
    {
        var message = e.Message;
        // YamlDotNet prefixes some messages with the position we already report.
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && close > 0) message = message[(close + 3)..];
        return message.TrimEnd('.');
    }
}
