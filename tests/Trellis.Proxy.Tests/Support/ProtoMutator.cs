using CsCheck;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Mutates protobuf messages the two ways a broken or hostile control plane could: their wire bytes
/// (flipped, cut, spliced; whatever still decodes is used, as the ADS client would) and their field values
/// (any field, reached through the message's descriptor, set to an extreme or random value of its type,
/// including enum numbers no proto defines and Any payloads that do not decode).</summary>
internal static class ProtoMutator
{
    private static readonly long[] ExtremeLongs = [0, 1, -1, long.MaxValue, long.MinValue, int.MaxValue, (long)int.MaxValue + 1, 315_576_000_000, -315_576_000_000, 86_400L * 50];
    private static readonly ulong[] ExtremeULongs = [0, 1, uint.MaxValue, ulong.MaxValue, 8 * 1024 * 1024 + 1, 65537, 5_000_011, 65535, 65536];
    private static readonly string[] Strings = ["", "a", "*", "/", ".*", "(", "[", "\\", "(a+)+$", "a{1000}{1000}", "\u0000", "é", new string('x', 5000), "$1", "x:y", "::1", "127.0.0.1", "CONNECT"];

    /// <summary>The bytes of <paramref name="seed"/> mutated at the wire level.</summary>
    public static Gen<byte[]> Bytes(IMessage seed)
    {
        var original = seed.ToByteArray();
        return Gen.Int[1, 6].SelectMany(count => Gen.Select(Gen.Int[0, 4], Gen.Int[0, Math.Max(0, original.Length)], Gen.Int[0, 255], Gen.Int[1, 16]).Array[count])
            .Select(edits =>
            {
                var bytes = original.ToList();
                foreach (var (kind, at, value, length) in edits)
                {
                    var i = Math.Min(at, bytes.Count);
                    switch (kind)
                    {
                        case 0 when i < bytes.Count: bytes[i] = (byte)value; break;
                        case 1: bytes.InsertRange(i, Enumerable.Repeat((byte)value, length)); break;
                        case 2: bytes.RemoveRange(i, Math.Min(length, bytes.Count - i)); break;
                        case 3: bytes.InsertRange(i, bytes.Skip(Math.Max(0, i - length)).Take(length).ToArray()); break;
                        default: bytes.RemoveRange(i, bytes.Count - i); break;
                    }
                }
                return bytes.ToArray();
            });
    }

    /// <summary>A copy of <paramref name="seed"/> with a few fields set to extreme or random values.</summary>
    public static Gen<T> Fields<T>(T seed) where T : IMessage<T> =>
        Gen.Select(Gen.UInt, Gen.UInt).Array[1, 5].Select(choices =>
        {
            var copy = seed.Clone();
            foreach (var (path, value) in choices) Mutate(copy, path, value, depth: 0);
            return copy;
        });

    /// <summary>Walks into the message along bits of <paramref name="path"/> and sets one field from <paramref name="value"/>.</summary>
    private static void Mutate(IMessage message, uint path, uint value, int depth)
    {
        var fields = message.Descriptor.Fields.InFieldNumberOrder();
        if (fields.Count == 0) return;
        var field = fields[(int)(path % (uint)fields.Count)];
        path /= (uint)fields.Count;
        if (message is Any any && depth < 8)
        {
            MutateAny(any, path, value, depth);
            return;
        }
        if (field.IsMap) return;
        if (field.FieldType == FieldType.Message && WrapperTypes.Contains(field.MessageType.FullName))
        {
            // C# exposes wrapper fields (UInt32Value, ...) as nullable scalars.
            if (!field.IsRepeated) field.Accessor.SetValue(message, path % 5 == 0 ? null : Scalar(field.MessageType.Fields.InFieldNumberOrder()[0], value));
            return;
        }
        if (field.FieldType == FieldType.Message && depth < 8 && path % 4 != 0)
        {
            var child = field.IsRepeated ? RepeatedChild(message, field, value) : SingleChild(message, field);
            if (child is not null) Mutate(child, path / 4, value * 2654435761u, depth + 1);
            return;
        }
        if (field.IsRepeated)
        {
            var list = (System.Collections.IList)field.Accessor.GetValue(message);
            if (path % 3 == 0 && list.Count > 0) list.RemoveAt((int)(value % (uint)list.Count));
            else if (Scalar(field, value) is { } item) list.Add(item);
            return;
        }
        if (Scalar(field, value) is { } scalar) field.Accessor.SetValue(message, scalar);
    }

    private static IMessage? SingleChild(IMessage message, FieldDescriptor field)
    {
        if (field.Accessor.GetValue(message) is IMessage existing) return existing;
        if (field.MessageType.Parser.ParseFrom(ByteString.Empty) is not { } created) return null;
        field.Accessor.SetValue(message, created);
        return created;
    }

    private static IMessage? RepeatedChild(IMessage message, FieldDescriptor field, uint value)
    {
        var list = (System.Collections.IList)field.Accessor.GetValue(message);
        if (list.Count > 0 && value % 3 != 0) return (IMessage?)list[(int)(value % (uint)list.Count)];
        var created = field.MessageType.Parser.ParseFrom(ByteString.Empty);
        list.Add(created);
        return created;
    }

    /// <summary>An Any is mutated inside its payload when that decodes, else its type or bytes are scrambled.</summary>
    private static void MutateAny(Any any, uint path, uint value, int depth)
    {
        var type = FindType(any.TypeUrl);
        if (path % 5 == 0 || type is null)
        {
            if (value % 2 == 0) any.Value = ByteString.CopyFrom(any.Value.ToByteArray().Select((b, i) => i % 7 == value % 7 ? (byte)(b ^ value) : b).ToArray());
            else any.TypeUrl = Strings[value % (uint)Strings.Length];
            return;
        }
        try
        {
            var inner = type.Parser.ParseFrom(any.Value);
            Mutate(inner, path / 5, value, depth + 1);
            any.Value = inner.ToByteString();
        }
        catch (InvalidProtocolBufferException)
        {
        }
    }

    private static readonly HashSet<string> WrapperTypes =
    [
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
        "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue",
    ];

    private static readonly Dictionary<string, MessageDescriptor> Known = new[]
    {
        global::Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager.Descriptor,
        global::Envoy.Extensions.Filters.Http.Fault.V3.HTTPFault.Descriptor,
        global::Envoy.Extensions.Filters.Http.Router.V3.Router.Descriptor,
        global::Envoy.Config.Route.V3.FilterConfig.Descriptor,
        global::Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions.Descriptor,
    }.ToDictionary(d => "type.googleapis.com/" + d.FullName);

    private static MessageDescriptor? FindType(string typeUrl) => Known.GetValueOrDefault(typeUrl);

    private static object? Scalar(FieldDescriptor field, uint value)
    {
        var pick = (int)(value % 1000);
        return field.FieldType switch
        {
            FieldType.Bool => value % 2 == 0,
            FieldType.String => Strings[pick % Strings.Length],
            FieldType.Bytes => ByteString.CopyFrom(BitConverter.GetBytes(value)),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)ExtremeLongs[pick % ExtremeLongs.Length],
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => ExtremeLongs[pick % ExtremeLongs.Length],
            FieldType.UInt32 or FieldType.Fixed32 => (uint)ExtremeULongs[pick % ExtremeULongs.Length],
            FieldType.UInt64 or FieldType.Fixed64 => ExtremeULongs[pick % ExtremeULongs.Length],
            FieldType.Double => (double)ExtremeLongs[pick % ExtremeLongs.Length] / 3,
            FieldType.Float => (float)ExtremeLongs[pick % ExtremeLongs.Length] / 3,
            // Proto3 enums are open: a number no definition names must be handled like any other.
            FieldType.Enum => pick % 3 == 0 ? (int)(value % 7) + 90 : field.EnumType.Values[pick % field.EnumType.Values.Count].Number,
            _ => null,
        };
    }
}
