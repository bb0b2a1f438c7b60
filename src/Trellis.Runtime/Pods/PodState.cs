namespace Trellis.Runtime;

/// <summary>The observable state of one local pod, as written to <c>{home}/pods.json</c>. <see cref="Ready"/> means
/// app ready and sidecar ready: the control plane's endpoints are the ready pods. <see cref="ContainerPort"/> is the
/// first declared container port, the one the sidecar's inbound listener presents for the app. <see cref="Annotations"/>
/// are the pod template's.</summary>
public sealed record PodState(
    string Name,
    string Namespace,
    string Deployment,
    IReadOnlyDictionary<string, string> Labels,
    string ServiceAccount,
    string Ip,
    int AppPort,
    int InboundPort,
    int OutboundPort,
    int AdminPort,
    int? ContainerPort,
    IReadOnlyList<ContainerPortMapping> ContainerPorts,
    string AppContainer,
    string Phase,
    bool Ready,
    bool SidecarReady,
    int Restarts,
    string? Reason,
    int? AppPid,
    int? SidecarPid,
    DateTimeOffset StartedAt,
    string TemplateHash,
    IReadOnlyDictionary<string, string>? Annotations = null);

/// <summary>A port the pod template declares and the loopback port the app really listens on ($PORT).</summary>
public sealed record ContainerPortMapping(int ContainerPort, int AppPort);

/// <summary>The phases a local pod reports, named as kubectl shows them.</summary>
public static class PodPhase
{
    /// <summary>Sidecar starting or not ready yet; the app has not started.</summary>
    public const string Pending = "Pending";
    /// <summary>The app process is running.</summary>
    public const string Running = "Running";
    /// <summary>The pod cannot run (for example its command does not exist); see the reason.</summary>
    public const string Failed = "Failed";
    /// <summary>The pod is being stopped.</summary>
    public const string Terminating = "Terminating";
    /// <summary>The app exited and waits for its back-off before restarting.</summary>
    public const string CrashLoopBackOff = "CrashLoopBackOff";
}
