namespace Trellis.ControlPlane.Api;

/// <summary>One manifest file sent to the control plane by `trellis apply` or `trellis delete`.</summary>
public sealed record ManifestFile(string Name, string Content);

/// <summary>Body of POST /api/v1/apply and /api/v1/delete.</summary>
public sealed record ApplyRequest(IReadOnlyList<ManifestFile> Files, bool DryRun = false);

/// <summary>What happened to one object: created, configured, unchanged or deleted.</summary>
public sealed record ObjectResult(string Object, string Action);

/// <summary>A validation finding as the CLI prints it.</summary>
public sealed record DiagnosticDto(
    string Severity, string Code, string Message, string? File, int Line, int Column, string? Object, string? Field, string Text);

/// <summary>Answer to an apply or delete: accepted as a whole, or rejected as a whole with the reasons.</summary>
public sealed record ApplyResponse(bool Accepted, long Version, IReadOnlyList<ObjectResult> Results, IReadOnlyList<DiagnosticDto> Diagnostics);

/// <summary>One stored object, as `trellis get` lists it.</summary>
public sealed record ResourceDto(
    string ApiVersion, string Kind, string Namespace, string Name, DateTimeOffset Applied, string Source, string Yaml);

/// <summary>xDS state of one connected proxy, per resource type, for `trellis proxy-status`.</summary>
public sealed record ProxyStatusDto(
    string NodeId, string Pod, string Namespace, string Type, DateTimeOffset ConnectedAt,
    IReadOnlyList<ProxyTypeStatusDto> Types)
{
    /// <summary>What the control plane left out of this proxy's configuration, or refuses there, and why.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The workload (Deployment) the proxy's pod belongs to, as its node announced it; null when it did not.</summary>
    public string? Workload { get; init; }
}

/// <summary>Sent/acked/nacked versions of one xDS type for one proxy.</summary>
public sealed record ProxyTypeStatusDto(
    string Type, string? SentVersion, DateTimeOffset? SentAt, string? AckedVersion, string? NackedVersion, string? NackError)
{
    /// <summary>How many resources of the type the proxy was last sent (a Sidecar's egress hosts shrink it).</summary>
    public int Resources { get; init; }

    /// <summary>Their encoded size in bytes.</summary>
    public long Bytes { get; init; }
}

/// <summary>Control-plane health, the mesh's configuration version, and stored files it could not load.</summary>
public sealed record ControlPlaneStatusDto(
    long ConfigVersion, int Objects, int ConnectedProxies, DateTimeOffset StartedAt, IReadOnlyList<QuarantinedDto>? Quarantined = null);

/// <summary>A stored file the control plane could not load at start-up, moved aside into the store's quarantine folder.</summary>
public sealed record QuarantinedDto(string File, string Reason);
