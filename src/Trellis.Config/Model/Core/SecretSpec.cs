using System.Collections.Immutable;

namespace Trellis.Config.Model.Core;

/// <summary>Kubernetes Secret (read from the object's top level): type, base64 data and plain stringData.</summary>
public sealed record SecretSpec
{
    public string? Type { get; init; }
    public ImmutableDictionary<string, string>? Data { get; init; }
    public ImmutableDictionary<string, string>? StringData { get; init; }
    public bool? Immutable { get; init; }
}
