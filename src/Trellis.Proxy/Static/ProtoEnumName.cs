using System.Reflection;
using Google.Protobuf.Reflection;

namespace Trellis.Proxy.Static;

/// <summary>An enum value as the proto (and so the user's file) spells it: STRICT_DNS, not StrictDns.</summary>
internal static class ProtoEnumName
{
    public static string Of(Enum value) =>
        value.GetType().GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();
}
