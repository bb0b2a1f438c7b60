using System.Text.Json;

namespace Trellis.Config.Semantics;

/// <summary>MeshConfig's accessLogFormat under JSON encoding: a JSON object whose values are strings of Envoy command
/// operators, as istiod reads it. The validator and the translator both parse it here.</summary>
public static class AccessLogJsonFormat
{
    /// <summary>The format's fields in order; null when it is not a JSON object of strings.</summary>
    public static IReadOnlyList<(string Key, string Operators)>? Fields(string? format)
    {
        if (string.IsNullOrWhiteSpace(format)) return null;
        try
        {
            using var document = JsonDocument.Parse(format);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            var fields = new List<(string, string)>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String) return null;
                fields.Add((property.Name, property.Value.GetString()!));
            }
            return fields;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
