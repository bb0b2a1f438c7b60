using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Trellis.Runtime;

/// <summary>What local mode runs for one Deployment: its pod template and how many copies. <see cref="PodAnnotations"/>
/// are the template's (prometheus.io/* among them).</summary>
public sealed record WorkloadSpec(
    string Namespace,
    string DeploymentName,
    int Replicas,
    IReadOnlyDictionary<string, string> PodLabels,
    string ServiceAccount,
    IReadOnlyList<ContainerSpec> Containers,
    IReadOnlyDictionary<string, string>? PodAnnotations = null)
{
    /// <summary>Stable 10-hex-character hash of everything but <see cref="Replicas"/>; names pods and detects template changes.</summary>
    public string TemplateHash => ComputeTemplateHash();

    // Not cached: a cached field would take part in record equality and survive `with` copies.
    private string ComputeTemplateHash()
    {
        // Canonical form: sorted labels and a fixed field order, so equal templates hash equally across runs.
        var canonical = new
        {
            ns = Namespace,
            deployment = DeploymentName,
            labels = PodLabels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new[] { l.Key, l.Value }).ToArray(),
            serviceAccount = ServiceAccount,
            containers = Containers,
        };
        var json = JsonSerializer.Serialize(canonical);
        // Appended only when present, so templates without annotations keep the hashes (and pod names) they always had.
        if (PodAnnotations is { Count: > 0 } annotations)
            json += JsonSerializer.Serialize(annotations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new[] { a.Key, a.Value }).ToArray());
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(json));
        return Convert.ToHexStringLower(bytes)[..10];
    }
}

/// <summary>One container of a pod template, run as a local process.</summary>
public sealed record ContainerSpec(
    string Name,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    string WorkingDirectory,
    IReadOnlyList<int> ContainerPorts,
    ProbeSpec? ReadinessProbe);

/// <summary>A Kubernetes readiness probe: exactly one of HTTP GET, TCP connect or exec.</summary>
public sealed record ProbeSpec(
    string? HttpPath,
    int? HttpPort,
    int? TcpPort,
    IReadOnlyList<string>? Exec,
    int InitialDelaySeconds,
    int PeriodSeconds,
    int TimeoutSeconds,
    int FailureThreshold,
    int SuccessThreshold);
