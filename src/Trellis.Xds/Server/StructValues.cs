using Google.Protobuf.WellKnownTypes;

namespace Trellis.Xds.Server;

/// <summary>Converts google.protobuf.Struct values into plain read-only .NET values.</summary>
internal static class StructValues
{
    public static IReadOnlyDictionary<string, object?> ToDictionary(Struct value) =>
        value.Fields.ToDictionary(kv => kv.Key, kv => ToObject(kv.Value), StringComparer.Ordinal);

    public static object? ToObject(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.NumberValue => value.NumberValue,
        Value.KindOneofCase.BoolValue => value.BoolValue,
        Value.KindOneofCase.StructValue => ToDictionary(value.StructValue),
        Value.KindOneofCase.ListValue => value.ListValue.Values.Select(ToObject).ToList(),
        _ => null,
    };
}
