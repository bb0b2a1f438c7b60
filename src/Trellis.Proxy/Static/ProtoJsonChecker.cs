using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;

namespace Trellis.Proxy.Static;

/// <summary>Walks protobuf JSON against the message descriptors before Google.Protobuf's parser reads it, so that
/// every field this proxy's Envoy subset lacks, every <c>@type</c> it cannot unpack and every ill-typed value is
/// reported by its path (<c>static_resources.clusters[0].lb_policy</c>), which the parser's own messages do not
/// carry. Both the proto name and the lowerCamel JSON name of a field are accepted, as protobuf JSON does.</summary>
internal sealed partial class ProtoJsonChecker(TypeRegistry registry)
{
    private const string TypePrefix = "type.googleapis.com/";

    private readonly List<string> _problems = [];

    /// <summary>Every problem found, in document order; empty when the parser will accept the JSON as it is meant.</summary>
    public IReadOnlyList<string> Check(JsonElement root, MessageDescriptor type)
    {
        _problems.Clear();
        Message(root, type, "");
        return _problems.ToArray();
    }

    private void Message(JsonElement json, MessageDescriptor type, string path)
    {
        if (json.ValueKind == JsonValueKind.Null) return;
        switch (type.FullName)
        {
            case "google.protobuf.Any":
                Any(json, path);
                return;
            case "google.protobuf.Struct":
                Expect(json, JsonValueKind.Object, path, "an object");
                return;
            case "google.protobuf.ListValue":
                Expect(json, JsonValueKind.Array, path, "a list");
                return;
            case "google.protobuf.Value":
                return;
            case "google.protobuf.Duration":
                if (json.ValueKind != JsonValueKind.String || !DurationPattern().IsMatch(json.GetString()!))
                    Problem(path, $"expected a duration such as \"5s\" or \"0.25s\", got {Show(json)}");
                return;
            case "google.protobuf.Timestamp" or "google.protobuf.FieldMask":
                Expect(json, JsonValueKind.String, path, "a string");
                return;
        }
        if (IsWrapper(type))
        {
            Scalar(json, type.FindFieldByNumber(1), path);
            return;
        }
        if (!Expect(json, JsonValueKind.Object, path, "an object")) return;
        Fields(json, type, path, skipType: false);
    }

    private void Fields(JsonElement json, MessageDescriptor type, string path, bool skipType)
    {
        var oneofs = new Dictionary<OneofDescriptor, string>();
        foreach (var property in json.EnumerateObject())
        {
            if (skipType && property.Name == "@type") continue;
            var fieldPath = Join(path, property.Name);
            var field = FieldNamed(type, property.Name);
            if (field is null)
            {
                Problem(fieldPath, $"unknown field, or one this proxy does not support (in {type.FullName})");
                continue;
            }
            if (property.Value.ValueKind == JsonValueKind.Null) continue;
            if (field.RealContainingOneof is { } oneof && !oneofs.TryAdd(oneof, property.Name))
                Problem(fieldPath, $"\"{oneofs[oneof]}\" is already set; only one of {string.Join(", ", oneof.Fields.Select(f => f.Name))} may be");
            Value(property.Value, field, fieldPath);
        }
    }

    private void Value(JsonElement json, FieldDescriptor field, string path)
    {
        if (field.IsMap)
        {
            if (!Expect(json, JsonValueKind.Object, path, "a map")) return;
            var value = field.MessageType.FindFieldByNumber(2);
            foreach (var entry in json.EnumerateObject()) Single(entry.Value, value, $"{path}[\"{entry.Name}\"]");
            return;
        }
        if (field.IsRepeated)
        {
            if (!Expect(json, JsonValueKind.Array, path, "a list")) return;
            var i = 0;
            foreach (var item in json.EnumerateArray()) Single(item, field, $"{path}[{i++}]");
            return;
        }
        Single(json, field, path);
    }

    private void Single(JsonElement json, FieldDescriptor field, string path)
    {
        if (field.FieldType is FieldType.Message or FieldType.Group) Message(json, field.MessageType, path);
        else Scalar(json, field, path);
    }

    private void Any(JsonElement json, string path)
    {
        if (!Expect(json, JsonValueKind.Object, path, "an object with \"@type\"")) return;
        if (!json.TryGetProperty("@type", out var url) || url.ValueKind != JsonValueKind.String)
        {
            Problem(path, "needs \"@type\" naming the message it holds");
            return;
        }
        var typeUrl = url.GetString()!;
        var slash = typeUrl.LastIndexOf('/');
        var target = slash < 0 ? null : registry.Find(typeUrl[(slash + 1)..]);
        if (target is null)
        {
            Problem(path, $"type \"{typeUrl}\" is not supported by this proxy");
            return;
        }
        if (!typeUrl.StartsWith(TypePrefix, StringComparison.Ordinal))
            Problem(path, $"type URL \"{typeUrl}\" must start with {TypePrefix}");
        if (IsSpecialJson(target))
        {
            foreach (var property in json.EnumerateObject())
                if (property.Name is not ("@type" or "value")) Problem(Join(path, property.Name), $"field \"{property.Name}\" is not supported here (a {target.FullName} is given as \"value\")");
            if (json.TryGetProperty("value", out var value)) Message(value, target, Join(path, "value"));
            return;
        }
        Fields(json, target, path, skipType: true);
    }

    private void Scalar(JsonElement json, FieldDescriptor field, string path)
    {
        switch (field.FieldType)
        {
            case FieldType.String:
                Expect(json, JsonValueKind.String, path, "a string");
                break;
            case FieldType.Bytes:
                if (Expect(json, JsonValueKind.String, path, "base64 bytes") && !IsBase64(json.GetString()!)) Problem(path, "expected base64 bytes");
                break;
            case FieldType.Bool:
                if (json.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) Problem(path, $"expected true or false, got {Show(json)}");
                break;
            case FieldType.Enum:
                Enum(json, field.EnumType, path);
                break;
            case FieldType.Double or FieldType.Float:
                if (json.ValueKind == JsonValueKind.Number) break;
                if (json.ValueKind != JsonValueKind.String || !(json.GetString() is "NaN" or "Infinity" or "-Infinity"
                    || double.TryParse(json.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                    Problem(path, $"expected a number, got {Show(json)}");
                break;
            default:
                Integer(json, field.FieldType, path);
                break;
        }
    }

    private void Integer(JsonElement json, FieldType type, string path)
    {
        var text = json.ValueKind switch
        {
            JsonValueKind.Number => json.GetRawText(),
            JsonValueKind.String => json.GetString()!,
            _ => null,
        };
        var (min, max) = type switch
        {
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => ((decimal)int.MinValue, (decimal)int.MaxValue),
            FieldType.UInt32 or FieldType.Fixed32 => (0m, (decimal)uint.MaxValue),
            FieldType.UInt64 or FieldType.Fixed64 => (0m, (decimal)ulong.MaxValue),
            _ => ((decimal)long.MinValue, (decimal)long.MaxValue),
        };
        if (text is null || !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value != decimal.Truncate(value))
            Problem(path, $"expected an integer, got {Show(json)}");
        else if (value < min || value > max)
            Problem(path, $"{text} is out of range ({min} to {max})");
    }

    private void Enum(JsonElement json, EnumDescriptor type, string path)
    {
        if (json.ValueKind == JsonValueKind.Number && json.TryGetInt32(out _)) return;
        if (json.ValueKind == JsonValueKind.String && type.FindValueByName(json.GetString()!) is not null) return;
        Problem(path, $"unknown value {Show(json)}; this proxy knows {string.Join(", ", type.Values.Select(v => v.Name))}");
    }

    private bool Expect(JsonElement json, JsonValueKind kind, string path, string what)
    {
        if (json.ValueKind == kind) return true;
        Problem(path, $"expected {what}, got {Show(json)}");
        return false;
    }

    private void Problem(string path, string message) => _problems.Add(path.Length == 0 ? message : $"{path}: {message}");

    private static FieldDescriptor? FieldNamed(MessageDescriptor type, string name)
    {
        if (type.FindFieldByName(name) is { } byName) return byName;
        foreach (var f in type.Fields.InFieldNumberOrder())
            if (f.JsonName == name) return f;
        return null;
    }

    private static bool IsWrapper(MessageDescriptor type) =>
        type.File.Name == "google/protobuf/wrappers.proto";

    /// <summary>Well-known types whose JSON form is not an object of their fields: inside an Any they sit under "value".</summary>
    private static bool IsSpecialJson(MessageDescriptor type) =>
        IsWrapper(type) || type.FullName is "google.protobuf.Duration" or "google.protobuf.Timestamp" or "google.protobuf.FieldMask"
            or "google.protobuf.Struct" or "google.protobuf.Value" or "google.protobuf.ListValue" or "google.protobuf.Any";

    private static bool IsBase64(string text) => System.Convert.TryFromBase64String(text, new byte[text.Length], out _);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Show(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"\"{json.GetString()}\"",
        _ => json.GetRawText(),
    };

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]{1,9})?s$")]
    private static partial Regex DurationPattern();
}
