using Trellis.Config.Loading;
using Trellis.Config.Model.Core;

namespace Trellis.Config.Validation;

/// <summary>Secret data must be base64; TLS secrets need tls.crt and tls.key.</summary>
internal static class SecretValidator
{
    public static void Validate(ValidationSink sink, SecretSpec spec)
    {
        foreach (var (key, value) in spec.Data ?? System.Collections.Immutable.ImmutableDictionary<string, string>.Empty)
        {
            Span<byte> buffer = new byte[value.Length];
            if (!Convert.TryFromBase64String(value, buffer, out _))
                sink.Error(FieldPath.Member("data", key), "value is not valid base64 (use stringData for plain text)");
        }
        if (spec.Type == "kubernetes.io/tls")
        {
            foreach (var required in new[] { "tls.crt", "tls.key" })
                if (spec.Data?.ContainsKey(required) != true && spec.StringData?.ContainsKey(required) != true)
                    sink.Error("data", $"a kubernetes.io/tls Secret needs \"{required}\"");
        }
    }
}
