using System.Net;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Microsoft.Extensions.Logging;

namespace Trellis.Proxy.Static;

/// <summary>Looks up a name, as <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> does; tests replace it.</summary>
internal delegate Task<IPAddress[]> HostLookup(string host, CancellationToken ct);

/// <summary>Resolves the names of STRICT_DNS and LOGICAL_DNS clusters at once and then every dns_refresh_rate, and
/// publishes a cluster's endpoints whenever the answer changes. As in Envoy, a name that fails to resolve keeps the
/// addresses it last had (none at first, so the cluster answers 503 UH) and is tried again at the next refresh.</summary>
internal sealed class DnsClusterResolver(HostLookup lookup, Func<ClusterLoadAssignment, Task> publish, ILogger log) : IAsyncDisposable
{
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public static HostLookup System { get; } = Dns.GetHostAddressesAsync;

    private sealed record Watch(Cluster Cluster, CancellationTokenSource Stop, Task Loop);

    /// <summary>Makes the set of resolved clusters exactly the DNS clusters given; unchanged ones keep resolving.</summary>
    public void Track(IEnumerable<Cluster> clusters)
    {
        var wanted = clusters.Where(DnsEndpoints.IsDns).ToDictionary(c => c.Name, StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var (name, watch) in _watches.ToArray())
            {
                if (wanted.TryGetValue(name, out var c) && c.Equals(watch.Cluster)) continue;
                watch.Stop.Cancel();
                _watches.Remove(name);
            }
            foreach (var (name, cluster) in wanted)
            {
                if (_watches.ContainsKey(name)) continue;
                var stop = new CancellationTokenSource();
                _watches[name] = new Watch(cluster, stop, Task.Run(() => ResolveLoopAsync(cluster, stop.Token)));
            }
        }
    }

    /// <summary>True while <paramref name="clusterName"/> is a tracked DNS cluster.</summary>
    public bool Tracks(string clusterName)
    {
        lock (_lock) return _watches.ContainsKey(clusterName);
    }

    private async Task ResolveLoopAsync(Cluster cluster, CancellationToken ct)
    {
        var answers = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);
        var refresh = DnsEndpoints.RefreshRate(cluster);
        ClusterLoadAssignment? published = null;
        while (!ct.IsCancellationRequested)
        {
            foreach (var host in DnsEndpoints.Hosts(cluster))
            {
                try
                {
                    var found = (await lookup(host, ct)).ToArray();
                    // A DNS server rotating its answers is no change for STRICT_DNS; LOGICAL_DNS uses the first as given.
                    if (cluster.Type == Cluster.Types.DiscoveryType.StrictDns)
                        Array.Sort(found, static (a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
                    answers[host] = found;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogWarning("cluster {Cluster}: cannot resolve {Host} ({Error}); keeping {Count} address(es), retrying in {Refresh}",
                        cluster.Name, host, e.Message, answers.GetValueOrDefault(host)?.Length ?? 0, refresh);
                }
            }
            if (ct.IsCancellationRequested) return;
            var assignment = DnsEndpoints.Assignment(cluster, answers);
            if (!assignment.Equals(published))
            {
                published = assignment;
                await publish(assignment);
            }
            try
            {
                await Task.Delay(refresh, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] loops;
        lock (_lock)
        {
            foreach (var w in _watches.Values) w.Stop.Cancel();
            loops = _watches.Values.Select(w => w.Loop).ToArray();
            _watches.Clear();
        }
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
