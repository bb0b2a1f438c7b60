using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Tests.Inputs;

/// <summary>A workload source the test drives by hand, as a Kubernetes watcher or the local runtime would.</summary>
internal sealed class FakeWorkloads : IWorkloadSource
{
    private IReadOnlyList<WorkloadModel> _workloads = [];
    private IReadOnlyDictionary<int, string> _privatePorts = new Dictionary<int, string>();

    public IReadOnlyList<WorkloadModel> Workloads => Volatile.Read(ref _workloads);

    public IReadOnlyDictionary<int, string> PrivatePorts => Volatile.Read(ref _privatePorts);

    public event Action? Changed;

    public void Publish(IReadOnlyList<WorkloadModel> workloads, IReadOnlyDictionary<int, string>? privatePorts = null)
    {
        Volatile.Write(ref _workloads, workloads);
        if (privatePorts is not null) Volatile.Write(ref _privatePorts, privatePorts);
        Changed?.Invoke();
    }
}
