using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Trellis.ControlPlane.Store;

/// <summary>Cuts a multi-document YAML file into its documents' own text, so each stored object
/// keeps exactly what the user wrote (comments included).</summary>
internal static class DocumentSplitter
{
    public sealed record Document(int StartLine, int EndLine, string Text);

    /// <summary>Returns the documents in order; the caller has already validated the YAML.</summary>
    public static IReadOnlyList<Document> Split(string text)
    {
        var documents = new List<Document>();
        var parser = new Parser(new StringReader(text));
        Mark? start = null;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case DocumentStart ds:
                    start = ds.Start;
                    break;
                case DocumentEnd de when start is not null:
                    var from = (int)start.Value.Index;
                    var to = (int)Math.Max(de.End.Index, from);
                    documents.Add(new Document((int)start.Value.Line, (int)de.End.Line, text[from..Math.Min(to, text.Length)]));
                    start = null;
                    break;
            }
        }
        return documents;
    }
}
