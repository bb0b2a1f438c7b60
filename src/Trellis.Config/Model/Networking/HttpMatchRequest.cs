using System.Collections.Immutable;

namespace Trellis.Config.Model.Networking;

/// <summary>Istio HTTPMatchRequest: all conditions of one match must hold.</summary>
public sealed record HttpMatchRequest
{
    public string? Name { get; init; }
    public StringMatch? Uri { get; init; }
    public StringMatch? Scheme { get; init; }
    public StringMatch? Method { get; init; }
    public StringMatch? Authority { get; init; }
    public ImmutableDictionary<string, StringMatch>? Headers { get; init; }
    public int? Port { get; init; }
    public IReadOnlyDictionary<string, string>? SourceLabels { get; init; }
    public IReadOnlyList<string>? Gateways { get; init; }
    public ImmutableDictionary<string, StringMatch>? QueryParams { get; init; }
    public bool? IgnoreUriCase { get; init; }
    public ImmutableDictionary<string, StringMatch>? WithoutHeaders { get; init; }
    public string? SourceNamespace { get; init; }
    public string? StatPrefix { get; init; }
}
