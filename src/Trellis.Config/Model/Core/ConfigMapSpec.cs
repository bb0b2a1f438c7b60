using System.Collections.Immutable;

namespace Trellis.Config.Model.Core;

/// <summary>Kubernetes ConfigMap (read from the object's top level): string data, base64 binaryData.</summary>
public sealed record ConfigMapSpec
{
    public ImmutableDictionary<string, string>? Data { get; init; }
    public ImmutableDictionary<string, string>? BinaryData { get; init; }
    public bool? Immutable { get; init; }
}
