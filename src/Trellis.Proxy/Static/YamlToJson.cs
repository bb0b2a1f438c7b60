using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trellis.Proxy.Static;

/// <summary>Turns one YAML document into JSON as Envoy does before its protobuf JSON parser sees it: plain scalars
/// keep the YAML 1.2 core schema's types (<c>8080</c> a number, <c>true</c> a boolean, <c>~</c> null), quoted ones
/// are strings.</summary>
internal static partial class YamlToJson
{
    public static string Convert(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new BootstrapException($"{file}:{e.Start.Line}:{e.Start.Column}: {Innermost(e).Message}");
        }
        if (stream.Documents.Count != 1)
            throw new BootstrapException($"{file}: holds {stream.Documents.Count} YAML documents; a bootstrap is exactly one");
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, stream.Documents[0].RootNode, file, depth: 0);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // Far deeper than any Envoy config nests, and well inside what the JSON writer and parser accept.
    private const int MaxDepth = 60;

    private static void Write(Utf8JsonWriter writer, YamlNode node, string file, int depth)
    {
        if (depth > MaxDepth)
            throw new BootstrapException($"{file}:{node.Start.Line}:{node.Start.Column}: nested deeper than {MaxDepth} levels");
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                        throw new BootstrapException($"{file}:{key.Start.Line}:{key.Start.Column}: a mapping key must be a plain string");
                    writer.WritePropertyName(name);
                    Write(writer, value, file, depth + 1);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode list:
                writer.WriteStartArray();
                foreach (var item in list.Children) Write(writer, item, file, depth + 1);
                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new BootstrapException($"{file}:{node.Start.Line}:{node.Start.Column}: unsupported YAML node {node.NodeType}");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            writer.WriteStringValue(text);
            return;
        }
        if (text is "" or "~" or "null" or "Null" or "NULL") writer.WriteNullValue();
        else if (text is "true" or "True" or "TRUE") writer.WriteBooleanValue(true);
        else if (text is "false" or "False" or "FALSE") writer.WriteBooleanValue(false);
        else if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) writer.WriteNumberValue(l);
        else if (IntegerPattern().IsMatch(text) && ulong.TryParse(text.TrimStart('+'), NumberStyles.None, CultureInfo.InvariantCulture, out var u)) writer.WriteNumberValue(u);
        else if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) writer.WriteNumberValue(d);
        else writer.WriteStringValue(text);
    }

    private static Exception Innermost(Exception e) => e.InnerException is YamlException inner ? Innermost(inner) : e;

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
