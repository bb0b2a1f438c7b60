namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>A workload as Istio's metric labels name it.</summary>
internal readonly record struct WorkloadName(string Namespace, string Workload, string App, string Version)
{
    public static readonly WorkloadName Unknown = new("unknown", "unknown", "unknown", "unknown");

    public bool IsUnknown => Workload == "unknown";

    public string Id => $"{Namespace}/{Workload}";
}

/// <summary>A service as Istio's metric labels name it.</summary>
internal readonly record struct ServiceName(string Namespace, string Name)
{
    public string Id => $"{Namespace}/{Name}";
}

/// <summary>One edge of the traffic: who called which service, and which workload answered.</summary>
internal readonly record struct EdgeKey(WorkloadName Source, ServiceName Service, WorkloadName Destination);
