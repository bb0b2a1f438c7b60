using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Inputs;

/// <summary>Where the running workloads come from: the local runtime's pods today, a Kubernetes API watcher later.
/// Public because its implementations live with what runs the pods and are handed in by the composition root,
/// so the control plane depends on no runtime.</summary>
public interface IWorkloadSource
{
    /// <summary>The current pods, ready or not.</summary>
    IReadOnlyList<WorkloadModel> Workloads { get; }

    /// <summary>Ports the pods use that are not mesh destinations (apps' own ports, their sidecars' admin and
    /// outbound ports), each with what it is in words fit for a reason header.</summary>
    IReadOnlyDictionary<int, string> PrivatePorts { get; }

    /// <summary>Raised when the pods, their readiness or their private ports changed.</summary>
    event Action? Changed;
}
