using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Mesh;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>The control plane's workload source in local mode: the pods the runtime publishes in the home's pods file.
/// Polling a file keeps the control plane restartable: a new instance reads the same truth.</summary>
public sealed class LocalPodWorkloads : IWorkloadSource, IAsyncDisposable
{
    private static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(200);
    private readonly MeshHome _home;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private DateTime _lastWrite;
    private IReadOnlyList<WorkloadModel> _workloads = [];
    private IReadOnlyDictionary<int, string> _privatePorts = new Dictionary<int, string>();

    public LocalPodWorkloads(MeshHome home) : this(home, DefaultPollInterval)
    {
    }

    internal LocalPodWorkloads(MeshHome home, TimeSpan pollInterval)
    {
        _home = home;
        Refresh();
        _loop = Task.Run(() => PollAsync(pollInterval));
    }

    /// <inheritdoc/>
    public event Action? Changed;

    /// <inheritdoc/>
    public IReadOnlyList<WorkloadModel> Workloads => Volatile.Read(ref _workloads);

    /// <inheritdoc/>
    public IReadOnlyDictionary<int, string> PrivatePorts => Volatile.Read(ref _privatePorts);

    private async Task PollAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
                if (Refresh()) Changed?.Invoke();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool Refresh()
    {
        var path = _home.PodsPath;
        var lastWrite = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (lastWrite == _lastWrite) return false;
        _lastWrite = lastWrite;
        var pods = PodStateStore.Read(_home);
        var next = pods.Select(p => new WorkloadModel(
            p.Name, p.Namespace, p.Deployment, p.Labels, p.ServiceAccount, p.Ip, p.InboundPort, p.Ready,
            // The sidecar's admin port serves the merged endpoint, while its process runs.
            MetricsPort: p.SidecarPid is not null ? p.AdminPort : 0)).ToList();
        var ports = PortsOf(pods);
        var portsChanged = !ports.OrderBy(p => p.Key).SequenceEqual(PrivatePorts.OrderBy(p => p.Key));
        if (portsChanged) Volatile.Write(ref _privatePorts, ports);
        if (next.SequenceEqual(Workloads, WorkloadComparer.Instance)) return portsChanged;
        Volatile.Write(ref _workloads, next);
        return true;
    }

    private const string AppPort = "a pod's app port, behind its sidecar";

    private static Dictionary<int, string> PortsOf(IEnumerable<PodState> pods)
    {
        var ports = new Dictionary<int, string>();
        // What each port is, not whose: proxies are told the ports grouped by what they are (PassthroughGuard).
        foreach (var p in pods)
        {
            ports.TryAdd(p.AppPort, AppPort);
            foreach (var mapping in p.ContainerPorts) ports.TryAdd(mapping.AppPort, AppPort);
            ports.TryAdd(p.AdminPort, "a proxy's admin port");
            ports.TryAdd(p.OutboundPort, "a sidecar's outbound port");
        }
        ports.Remove(0);
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private sealed class WorkloadComparer : IEqualityComparer<WorkloadModel>
    {
        public static readonly WorkloadComparer Instance = new();

        public bool Equals(WorkloadModel? a, WorkloadModel? b) =>
            a is not null && b is not null && a with { Labels = b.Labels } == b
            && a.Labels.Count == b.Labels.Count && a.Labels.All(kv => b.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

        public int GetHashCode(WorkloadModel w) => w.PodName.GetHashCode(StringComparison.Ordinal);
    }
}
