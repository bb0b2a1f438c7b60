using System.Collections.Frozen;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Clusters;

/// <summary>The proxy's clusters by name, each a long-lived <see cref="ClusterState"/> that snapshots share: a push
/// updates the states of the clusters it names, adds new ones and drops (and retires the pools of) the rest.</summary>
internal sealed class ClusterRegistry(UpstreamHttpClients clients, Counter connectionOverflows) : IDisposable
{
    public const string ConnectionOverflowMetric = "envoy_cluster_upstream_cx_overflow";

    private readonly Dictionary<string, ClusterState> _states = new(StringComparer.Ordinal);

    /// <summary>Envoy's upstream_cx_overflow counter, labelled as Envoy's Prometheus output labels cluster stats.</summary>
    public static Counter ConnectionOverflowCounter() => new(ConnectionOverflowMetric,
        "Connections refused because the cluster was at its max_connections circuit breaker.", ["envoy_cluster_name"]);

    /// <summary>Makes the registry hold exactly <paramref name="configs"/>, which must all have been validated: nothing here
    /// fails, so a rejected update never gets this far and changes nothing.</summary>
    public FrozenDictionary<string, ClusterState> Apply(IReadOnlyCollection<ClusterConfig> configs)
    {
        lock (_states)
        {
            var named = new HashSet<string>(StringComparer.Ordinal);
            foreach (var config in configs)
            {
                var name = config.Model.Name;
                named.Add(name);
                if (_states.TryGetValue(name, out var state)) state.Update(config);
                else _states[name] = new ClusterState(config, clients, connectionOverflows.For([name]));
            }
            foreach (var name in _states.Keys.Where(n => !named.Contains(n)).ToArray())
            {
                _states[name].Retire();
                _states.Remove(name);
            }
            return _states.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    public void Dispose()
    {
        lock (_states)
        {
            foreach (var state in _states.Values) state.Close();
            _states.Clear();
        }
    }
}
