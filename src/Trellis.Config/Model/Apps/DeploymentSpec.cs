namespace Trellis.Config.Model.Apps;

/// <summary>Kubernetes Deployment: how many pods of which template to run.</summary>
public sealed record DeploymentSpec
{
    /// <summary>Desired pod count; Kubernetes defaults it to 1 (see <see cref="ReplicaCount"/>).</summary>
    public int? Replicas { get; init; }
    public LabelSelector? Selector { get; init; }
    public PodTemplateSpec? Template { get; init; }
    public int? MinReadySeconds { get; init; }
    public bool? Paused { get; init; }
    public int? ProgressDeadlineSeconds { get; init; }
    public int? RevisionHistoryLimit { get; init; }
    public object? Strategy { get; init; }

    /// <summary>The replica count with Kubernetes' default of 1 applied.</summary>
    public int ReplicaCount => Replicas ?? 1;
}

/// <summary>A label selector (matchExpressions are parsed, not evaluated).</summary>
public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }
    public IReadOnlyList<object>? MatchExpressions { get; init; }
}

/// <summary>The pod template of a Deployment.</summary>
public sealed record PodTemplateSpec
{
    public PodTemplateMetadata? Metadata { get; init; }
    public PodSpec? Spec { get; init; }
}

/// <summary>Labels and annotations stamped on each pod.</summary>
public sealed record PodTemplateMetadata
{
    public string? Name { get; init; }
    public string? Namespace { get; init; }
    public string? GenerateName { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
