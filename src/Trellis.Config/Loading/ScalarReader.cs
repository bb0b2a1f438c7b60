using System.Globalization;
using Trellis.Config.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>Reads YAML scalars as strings, integers, numbers, booleans, durations and int-or-strings, with the YAML 1.2
/// core schema's rules: a plain <c>80</c> is an integer, a quoted <c>"80"</c> is a string — as Kubernetes decodes them.</summary>
internal sealed class ScalarReader(BindContext context)
{
    private static readonly HashSet<Type> Types =
        [typeof(string), typeof(int), typeof(long), typeof(uint), typeof(double), typeof(bool), typeof(TimeSpan), typeof(IntOrString)];

    public static bool Handles(Type type) => Types.Contains(type);

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public object? Read(YamlScalarNode node, Type type, string path)
    {
        var text = node.Value ?? "";
        var plain = node.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (type == typeof(string))
        {
            if (plain && (IsBool(text) is not null || IsNumber(text)))
            {
                context.Error(node, path, $"expected a string, got {Describe(node)} (quote it: \"{text}\")");
                return null;
            }
            return text;
        }
        if (type == typeof(IntOrString))
            return plain && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n is >= int.MinValue and <= int.MaxValue
                ? new IntOrString((int)n)
                : new IntOrString(text);
        if (type == typeof(bool))
        {
            if (plain && IsBool(text) is { } b) return b;
            return Fail(node, path, "a boolean (true or false)");
        }
        if (type == typeof(TimeSpan))
        {
            if (DurationParser.TryParse(text, out var duration)) return duration;
            context.Error(node, path, $"invalid duration \"{text}\": expected {DurationParser.Expected}");
            return null;
        }
        if (type == typeof(double))
        {
            if (plain && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return d;
            return Fail(node, path, "a number");
        }
        if (!plain || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            return Fail(node, path, "an integer");
        if (type == typeof(int) && value is >= int.MinValue and <= int.MaxValue) return (int)value;
        if (type == typeof(uint) && value is >= 0 and <= uint.MaxValue) return (uint)value;
        if (type == typeof(long)) return value;
        context.Error(node, path, $"{value} is out of range for this field");
        return null;
    }

    private object? Fail(YamlScalarNode node, string path, string expected)
    {
        context.Error(node, path, $"expected {expected}, got \"{node.Value}\"");
        return null;
    }

    public static string Describe(Type type) =>
        type == typeof(string) ? "a string"
        : type == typeof(bool) ? "a boolean"
        : type == typeof(TimeSpan) ? "a duration"
        : type == typeof(double) ? "a number"
        : type == typeof(IntOrString) ? "an integer or a string"
        : "an integer";

    public static string DescribeNode(YamlNode node) => node switch
    {
        YamlMappingNode => "a map",
        YamlSequenceNode => "a list",
        YamlScalarNode s => Describe(s),
        _ => "an alias",
    };

    private static string Describe(YamlScalarNode node)
    {
        var text = node.Value ?? "";
        if (node.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            if (IsBool(text) is not null) return $"a boolean {text}";
            if (IsNumber(text)) return $"a number {text}";
        }
        return $"\"{text}\"";
    }

    private static bool? IsBool(string text) => text switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    private static bool IsNumber(string text) =>
        text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.')
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
