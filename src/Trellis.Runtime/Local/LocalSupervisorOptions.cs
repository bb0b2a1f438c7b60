namespace Trellis.Runtime;

/// <summary>Tuning for <see cref="LocalSupervisor"/>; the defaults are what <c>trellis up</c> uses.</summary>
public sealed record LocalSupervisorOptions
{
    /// <summary>Shared with the caller's own ports (ingress, control plane) so nothing collides; a new allocator when null.</summary>
    public PortAllocator? Ports { get; init; }

    /// <summary>How long a starting sidecar may take to answer /ready before the pod is marked Failed and retried.</summary>
    public TimeSpan SidecarReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>SIGTERM to SIGKILL, per container.</summary>
    public TimeSpan GracePeriod { get; init; } = SupervisedProcess.DefaultGracePeriod;

    /// <summary>How long a pod that is scaled down or replaced stays out of the endpoints, still running, before its
    /// app gets SIGTERM, so proxies learn of the change before requests to it fail (Istio's drain, shortened).</summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Restart back-off for apps and sidecars.</summary>
    public RestartBackOff BackOff { get; init; } = RestartBackOff.Local;

    /// <summary>Whether a pod's sidecar is ready; by default <c>GET http://127.0.0.1:{AdminPort}/ready</c> answers 200.</summary>
    public Func<PodState, CancellationToken, Task<bool>> SidecarReady { get; init; } =
        (pod, ct) => LoopbackHttp.IsOkAsync(pod.AdminPort, "/ready", TimeSpan.FromSeconds(1), ct);
}
