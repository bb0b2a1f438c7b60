using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Authorization;

/// <summary>Refuses a policy that carries fields this proxy's Envoy API subset does not know (a newer Envoy field such
/// as a CEL condition). Ignoring one would change what the policy matches, and for an ALLOW policy open access;
/// so the configuration is NACKed naming where the field sits.</summary>
internal static class UnknownFields
{
    public static void Refuse(IMessage message, string where)
    {
        if (Find(message, message.Descriptor.Name) is { } at)
            throw new ConfigException($"{where}: {at} is not supported by this proxy; the policy cannot be applied as written");
    }

    private static string? Find(IMessage message, string at)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message) continue;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                    if (entry.Value is IMessage item && Find(item, $"{at}.{field.Name}[\"{entry.Key}\"]") is { } found) return found;
            }
            else if (field.IsRepeated)
            {
                var i = 0;
                foreach (var element in (IList)value)
                    if (element is IMessage item && Find(item, $"{at}.{field.Name}[{i++}]") is { } found) return found;
            }
            else if (value is IMessage item && Find(item, $"{at}.{field.Name}") is { } found)
            {
                return found;
            }
        }
        return UnknownNumber(message) is { } number ? $"{at} field number {number} ({message.Descriptor.FullName} as this proxy knows it has no such field)" : null;
    }

    private static int? UnknownNumber(IMessage message)
    {
        var input = new CodedInputStream(message.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            if (message.Descriptor.FindFieldByNumber(number) is null) return number;
            input.SkipLastField();
        }
        return null;
    }
}
