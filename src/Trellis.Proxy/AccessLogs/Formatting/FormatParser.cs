using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>Compiles Envoy's format strings (text with %COMMAND(ARG):MAX% operators, "%%" for a percent sign) and
/// format dictionaries once per configuration. An operator this proxy does not know is an error naming it: Envoy
/// refuses such a configuration, and a line silently missing a field would mislead.</summary>
internal static partial class FormatParser
{
    [GeneratedRegex(@"\G%([A-Z]|[A-Z][A-Z0-9_]*[A-Z0-9])(?:\((.*?)\))?(?::([0-9]+))?%", RegexOptions.CultureInvariant)]
    private static partial Regex Command();

    public static TextFormatter Text(string format, bool omitEmptyValues, string where) => new(Segments(format, where), omitEmptyValues);

    public static JsonFormatter Json(Struct format, bool omitEmptyValues, string where) => new(Properties(format, where), omitEmptyValues);

    public static FormatSegment[] Segments(string format, string where)
    {
        var segments = new List<FormatSegment>();
        var literal = new StringBuilder();
        for (var pos = 0; pos < format.Length; pos++)
        {
            if (format[pos] != '%')
            {
                literal.Append(format[pos]);
                continue;
            }
            if (pos + 1 < format.Length && format[pos + 1] == '%')
            {
                literal.Append('%');
                pos++;
                continue;
            }
            var match = Command().Match(format, pos);
            if (!match.Success)
                throw new ConfigException($"{where}: format \"{format}\" has no valid command operator at position {pos} (write %% for a percent sign)");
            if (literal.Length > 0)
            {
                segments.Add(new FormatSegment(literal.ToString(), null));
                literal.Clear();
            }
            segments.Add(new FormatSegment(null, Operator(match, where)));
            pos += match.Length - 1;
        }
        if (literal.Length > 0) segments.Add(new FormatSegment(literal.ToString(), null));
        return segments.ToArray();
    }

    private static CommandOperator Operator(Match match, string where)
    {
        var name = match.Groups[1].Value;
        var argument = match.Groups[2].Success ? match.Groups[2].Value : null;
        int? max = null;
        if (match.Groups[3].Success)
        {
            if (!int.TryParse(match.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length <= 0)
                throw new ConfigException($"{where}: %{name}%: length {match.Groups[3].Value} is not a positive number");
            max = length;
        }
        if (max is not null && name is not ("REQ" or "RESP"))
            throw new ConfigException($"{where}: %{name}% takes no length limit (only REQ and RESP do)");
        return name switch
        {
            "REQ" or "RESP" => Header(name, argument, max, where),
            "START_TIME" => argument is { Length: > 0 } f ? StartTimeOperator.Compile(f, where) : StartTimeOperator.Default,
            _ when FieldOperator.ByName.TryGetValue(name, out var field) => argument is null
                ? new FieldOperator(field)
                : throw new ConfigException($"{where}: %{name}% takes no argument, got ({argument})"),
            _ => throw new ConfigException($"{where}: command operator %{name}% is not supported by this proxy"),
        };
    }

    private static HeaderOperator Header(string name, string? argument, int? max, string where)
    {
        if (string.IsNullOrEmpty(argument)) throw new ConfigException($"{where}: %{name}(...)% needs a header name");
        var parts = argument.Split('?');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0))
            throw new ConfigException($"{where}: %{name}({argument})%: give one header, or two as X?Y");
        return new HeaderOperator(name == "RESP", parts[0], parts.Length == 2 ? parts[1] : null) { MaxLength = max };
    }

    private static JsonFormatter.Property[] Properties(Struct format, string where)
    {
        var properties = new List<JsonFormatter.Property>();
        foreach (var (key, value) in format.Fields)
        {
            properties.Add(value.KindCase switch
            {
                Value.KindOneofCase.StringValue => new(key, Segments(value.StringValue, $"{where} json_format \"{key}\""), null, null),
                Value.KindOneofCase.StructValue => new(key, null, Properties(value.StructValue, $"{where} json_format \"{key}\""), null),
                Value.KindOneofCase.NumberValue => new(key, null, null, new JsonFormatter.JsonElementValue(value.NumberValue, null)),
                Value.KindOneofCase.BoolValue => new(key, null, null, new JsonFormatter.JsonElementValue(null, value.BoolValue)),
                Value.KindOneofCase.NullValue => new(key, null, null, new JsonFormatter.JsonElementValue(null, null)),
                _ => throw new ConfigException($"{where}: json_format \"{key}\": lists are not supported; give a string, number, boolean or object"),
            });
        }
        return properties.ToArray();
    }
}
