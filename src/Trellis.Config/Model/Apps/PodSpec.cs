namespace Trellis.Config.Model.Apps;

/// <summary>Kubernetes PodSpec; Trellis runs the containers and uses the service account, the rest is parsed only.</summary>
public sealed record PodSpec
{
    public IReadOnlyList<Container>? Containers { get; init; }
    public IReadOnlyList<Container>? InitContainers { get; init; }
    public string? ServiceAccountName { get; init; }
    public string? ServiceAccount { get; init; }
    public bool? AutomountServiceAccountToken { get; init; }
    public int? TerminationGracePeriodSeconds { get; init; }
    public string? RestartPolicy { get; init; }
    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }
    public string? Hostname { get; init; }
    public string? Subdomain { get; init; }
    public bool? HostNetwork { get; init; }
    public bool? HostPID { get; init; }
    public bool? HostIPC { get; init; }
    public bool? ShareProcessNamespace { get; init; }
    public bool? EnableServiceLinks { get; init; }
    public string? DnsPolicy { get; init; }
    public string? PriorityClassName { get; init; }
    public int? Priority { get; init; }
    public string? SchedulerName { get; init; }
    public string? RuntimeClassName { get; init; }
    public string? NodeName { get; init; }
    public object? Affinity { get; init; }
    public object? Tolerations { get; init; }
    public object? Volumes { get; init; }
    public object? SecurityContext { get; init; }
    public object? ImagePullSecrets { get; init; }
    public object? DnsConfig { get; init; }
    public object? HostAliases { get; init; }
    public object? TopologySpreadConstraints { get; init; }
    public object? ReadinessGates { get; init; }
    public object? Os { get; init; }
    public object? Overhead { get; init; }
    public object? Resources { get; init; }
    public long? ActiveDeadlineSeconds { get; init; }
}

/// <summary>A container: in local mode, <c>command</c>/<c>args</c> run as a process listening on <c>$PORT</c>.</summary>
public sealed record Container
{
    public string? Name { get; init; }
    public string? Image { get; init; }
    public string? ImagePullPolicy { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyList<string>? Args { get; init; }
    public string? WorkingDir { get; init; }
    public IReadOnlyList<EnvVar>? Env { get; init; }
    public object? EnvFrom { get; init; }
    public IReadOnlyList<ContainerPortSpec>? Ports { get; init; }
    public Probe? ReadinessProbe { get; init; }
    public Probe? LivenessProbe { get; init; }
    public Probe? StartupProbe { get; init; }
    public object? Resources { get; init; }
    public object? SecurityContext { get; init; }
    public object? VolumeMounts { get; init; }
    public object? Lifecycle { get; init; }
    public string? TerminationMessagePath { get; init; }
    public string? TerminationMessagePolicy { get; init; }
    public bool? Stdin { get; init; }
    public bool? Tty { get; init; }
}

/// <summary>An environment variable: a literal value, or a reference (parsed, not resolved).</summary>
public sealed record EnvVar
{
    public string? Name { get; init; }
    public string? Value { get; init; }
    public object? ValueFrom { get; init; }
}

/// <summary>A port a container listens on.</summary>
public sealed record ContainerPortSpec
{
    public int? ContainerPort { get; init; }
    public string? Name { get; init; }
    public string? Protocol { get; init; }
    public int? HostPort { get; init; }
    public string? HostIP { get; init; }
}

/// <summary>A readiness, liveness or startup probe.</summary>
public sealed record Probe
{
    public HttpGetAction? HttpGet { get; init; }
    public TcpSocketAction? TcpSocket { get; init; }
    public ExecAction? Exec { get; init; }
    public object? Grpc { get; init; }
    public int? InitialDelaySeconds { get; init; }
    public int? PeriodSeconds { get; init; }
    public int? TimeoutSeconds { get; init; }
    public int? FailureThreshold { get; init; }
    public int? SuccessThreshold { get; init; }
    public long? TerminationGracePeriodSeconds { get; init; }
}

/// <summary>An HTTP GET probe.</summary>
public sealed record HttpGetAction
{
    public string? Path { get; init; }
    public IntOrString? Port { get; init; }
    public string? Host { get; init; }
    public string? Scheme { get; init; }
    public object? HttpHeaders { get; init; }
}

/// <summary>A TCP connect probe.</summary>
public sealed record TcpSocketAction
{
    public IntOrString? Port { get; init; }
    public string? Host { get; init; }
}

/// <summary>A command probe.</summary>
public sealed record ExecAction
{
    public IReadOnlyList<string>? Command { get; init; }
}
