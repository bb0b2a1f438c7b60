using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trellis.Proxy.Completion;

namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>A json_format: one JSON object per line, its keys in configuration order. A value that is exactly one
/// command operator keeps its type (numbers unquoted) and is null when the record lacks it (the key is left out with
/// omit_empty_values); values mixing text and operators are strings, with "-" for what is missing.</summary>
internal sealed class JsonFormatter(JsonFormatter.Property[] properties, bool omitEmptyValues) : AccessLogFormatter
{
    /// <summary>A key and its value: a format (<see cref="Segments"/>), a nested object, or a constant.</summary>
    internal sealed record Property(string Key, FormatSegment[]? Segments, Property[]? Nested, JsonElementValue? Constant);

    /// <summary>A number, boolean or null given as is in the configuration.</summary>
    internal sealed record JsonElementValue(double? Number, bool? Boolean);

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static State? _state;

    private sealed class State
    {
        public readonly StringBuilder Value = new(128);
        public Utf8JsonWriter? Writer;
    }

    public override void Write(in CompletionRecord record, IBufferWriter<byte> output)
    {
        var state = _state ??= new State();
        var writer = state.Writer ??= new Utf8JsonWriter(output, Options);
        writer.Reset(output);
        WriteObject(writer, state.Value, properties, record);
        writer.Flush();
        output.Write("\n"u8);
    }

    private void WriteObject(Utf8JsonWriter writer, StringBuilder value, Property[] members, in CompletionRecord record)
    {
        writer.WriteStartObject();
        foreach (var member in members)
        {
            if (member.Nested is { } nested)
            {
                writer.WritePropertyName(member.Key);
                WriteObject(writer, value, nested, record);
            }
            else if (member.Constant is { } constant)
            {
                writer.WritePropertyName(member.Key);
                if (constant.Number is { } n) writer.WriteNumberValue(n);
                else if (constant.Boolean is { } b) writer.WriteBooleanValue(b);
                else writer.WriteNullValue();
            }
            else
            {
                WriteFormatted(writer, value, member.Key, member.Segments!, record);
            }
        }
        writer.WriteEndObject();
    }

    private void WriteFormatted(Utf8JsonWriter writer, StringBuilder value, string key, FormatSegment[] segments, in CompletionRecord record)
    {
        value.Clear();
        if (segments is [{ Operator: { } single }])
        {
            if (!single.TryAppend(value, record))
            {
                if (!omitEmptyValues) writer.WriteNull(key);
                return;
            }
            writer.WritePropertyName(key);
            if (single.IsNumber) writer.WriteRawValue(value.ToString(), skipInputValidation: true);
            else writer.WriteStringValue(value.ToString());
            return;
        }
        TextFormatter.AppendTo(value, segments, omitEmptyValues, record);
        writer.WriteString(key, value.ToString());
    }
}
