using Trellis.Config.Model;
using Trellis.Config.Model.Apps;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>Turns a Deployment into what the local runtime runs. Relative commands resolve against
/// the folder of the manifest the Deployment was applied from.</summary>
internal static class WorkloadMapper
{
    public static WorkloadSpec Map(Resource deployment, string origin)
    {
        var spec = deployment.SpecAs<DeploymentSpec>() ?? new DeploymentSpec();
        var folder = Path.GetDirectoryName(Path.GetFullPath(origin)) ?? Environment.CurrentDirectory;
        var pod = spec.Template?.Spec;
        return new WorkloadSpec(
            deployment.Metadata.Namespace ?? "default",
            deployment.Metadata.Name,
            spec.ReplicaCount,
            spec.Template?.Metadata?.Labels ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(),
            pod?.ServiceAccountName ?? pod?.ServiceAccount ?? "default",
            (pod?.Containers ?? []).Select(c => Container(c, folder)).ToList(),
            spec.Template?.Metadata?.Annotations);
    }

    private static ContainerSpec Container(Container c, string folder)
    {
        var ports = (c.Ports ?? []).Where(p => p.ContainerPort is not null).Select(p => p.ContainerPort!.Value).ToList();
        return new ContainerSpec(
            c.Name ?? "app",
            c.Command ?? [],
            c.Args ?? [],
            (c.Env ?? []).Where(e => e.Name is not null).Select(e => new KeyValuePair<string, string>(e.Name!, e.Value ?? "")).ToList(),
            c.WorkingDir is { } wd ? Path.Combine(folder, wd) : folder,
            ports,
            Probe(c.ReadinessProbe, c.Ports ?? []));
    }

    private static ProbeSpec? Probe(Probe? probe, IReadOnlyList<ContainerPortSpec> ports)
    {
        if (probe is null) return null;
        int? Port(IntOrString? p) => p?.Int ?? ports.FirstOrDefault(x => x.Name == p?.String)?.ContainerPort;
        return new ProbeSpec(
            probe.HttpGet?.Path ?? (probe.HttpGet is null ? null : "/"),
            Port(probe.HttpGet?.Port),
            Port(probe.TcpSocket?.Port),
            probe.Exec?.Command,
            probe.InitialDelaySeconds ?? 0,
            probe.PeriodSeconds ?? 10,
            probe.TimeoutSeconds ?? 1,
            probe.FailureThreshold ?? 3,
            probe.SuccessThreshold ?? 1);
    }
}
