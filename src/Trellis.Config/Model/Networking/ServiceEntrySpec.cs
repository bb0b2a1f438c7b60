using System.Collections.Immutable;
using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>Istio ServiceEntry: adds hosts (usually external) to the mesh's service registry.</summary>
public sealed record ServiceEntrySpec
{
    public IReadOnlyList<string>? Hosts { get; init; }
    public IReadOnlyList<string>? Addresses { get; init; }
    public IReadOnlyList<ServiceEntryPort>? Ports { get; init; }
    [OneOf("MESH_EXTERNAL", "MESH_INTERNAL")] public string? Location { get; init; }
    [OneOf("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN")] public string? Resolution { get; init; }
    public IReadOnlyList<WorkloadEntrySpec>? Endpoints { get; init; }
    public WorkloadSelector? WorkloadSelector { get; init; }
    public IReadOnlyList<string>? ExportTo { get; init; }
    public IReadOnlyList<string>? SubjectAltNames { get; init; }
}

/// <summary>A port of a ServiceEntry.</summary>
public sealed record ServiceEntryPort
{
    public int? Number { get; init; }
    public string? Protocol { get; init; }
    public string? Name { get; init; }
    public int? TargetPort { get; init; }
}

/// <summary>An endpoint of a ServiceEntry (WorkloadEntry's shape).</summary>
public sealed record WorkloadEntrySpec
{
    public string? Address { get; init; }
    public ImmutableDictionary<string, int>? Ports { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public string? Network { get; init; }
    public string? Locality { get; init; }
    public int? Weight { get; init; }
    public string? ServiceAccount { get; init; }
}
