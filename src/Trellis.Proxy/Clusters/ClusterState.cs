using Microsoft.AspNetCore.Http;
using Trellis.Proxy.LoadBalancing;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Clusters;

/// <summary>One configured version of a cluster, read by a request in one go: its config, the endpoints EDS calls
/// healthy, its outlier detection (the health view, when it has one) and its HTTP connection pool.</summary>
internal sealed record ClusterVersion(ClusterConfig Config, EndpointModel[] Healthy, OutlierDetector? Outliers, HttpMessageInvoker Invoker);

/// <summary>A cluster for as long as configuration names it, as YARP keeps a ClusterState: its circuit breaker
/// counts, outlier detection, connection pool and balancer live here, and a push swaps the immutable
/// <see cref="ClusterVersion"/> they are read through. A pool whose connection settings changed is replaced, the
/// old one retired after a grace period; breaker counts and outlier state simply go on.</summary>
internal sealed class ClusterState
{
    private sealed record Balanced(EndpointModel[] Hosts, ClusterModel Model, ILoadBalancer Balancer);

    private readonly UpstreamHttpClients _clients;
    private readonly Lock _rebalance = new();
    private volatile ClusterVersion _current;
    private volatile Balanced _balanced;

    public ClusterState(ClusterConfig config, UpstreamHttpClients clients, Counter.Series connectionOverflows)
    {
        _clients = clients;
        var model = config.Model;
        Name = model.Name;
        ConnectionOverflows = connectionOverflows;
        Breaker = new CircuitBreaker(model.Limits, Multiplexed(model));
        var outliers = model.Outliers is { } settings ? new OutlierDetector(settings, config.Endpoints) : null;
        _current = new ClusterVersion(config, Healthy(config.Endpoints), outliers, clients.Create(model));
        _balanced = Balance(model, outliers?.Available ?? _current.Healthy);
    }

    public string Name { get; }

    public CircuitBreaker Breaker { get; }

    /// <summary>Envoy's upstream_cx_overflow: tunnels refused at max_connections.</summary>
    public Counter.Series ConnectionOverflows { get; }

    public ClusterVersion Current => _current;

    public ClusterModel Model => _current.Config.Model;

    public IReadOnlyList<EndpointModel> Endpoints => _current.Config.Endpoints;

    /// <summary>True for ORIGINAL_DST clusters, which forward to the authority the request names.</summary>
    public bool IsOriginalDestination => Model.IsOriginalDestination;

    /// <summary>The balancer's pick among the endpoints health allows now; null when there is none.</summary>
    public EndpointModel? Pick(HttpContext context, ulong? hash)
    {
        var current = _current;
        var hosts = current.Outliers?.Available ?? current.Healthy;
        var balanced = _balanced;
        if (!ReferenceEquals(balanced.Hosts, hosts) || !ReferenceEquals(balanced.Model, current.Config.Model))
            balanced = Rebalance(current.Config.Model, hosts);
        return balanced.Balancer.Pick(context, hash);
    }

    /// <summary>Tells outlier detection how an attempt on <paramref name="endpoint"/> ended (see <see cref="OutlierDetector.Report"/>).</summary>
    public void Report(EndpointModel endpoint, int? status) => _current.Outliers?.Report(endpoint, status);

    /// <summary>Takes a push's view of this cluster; nothing changes when it was built from the same resources.</summary>
    public void Update(ClusterConfig config)
    {
        var current = _current;
        if (config.SameSourcesAs(current.Config)) return;
        var model = config.Model;
        Breaker.Configure(model.Limits, Multiplexed(model));
        var invoker = current.Config.Model.PoolKey.Equals(model.PoolKey) ? current.Invoker : _clients.Create(model);
        OutlierDetector? outliers = null;
        if (model.Outliers is { } settings)
        {
            if (current.Outliers is { } known && known.Settings == settings)
            {
                known.Update(config.Endpoints);
                outliers = known;
            }
            else
            {
                // Other outlier settings start counting afresh, as Envoy's detector does when the cluster is replaced.
                outliers = new OutlierDetector(settings, config.Endpoints);
            }
        }
        _current = new ClusterVersion(config, Healthy(config.Endpoints), outliers, invoker);
        if (!ReferenceEquals(invoker, current.Invoker)) _clients.Retire(current.Invoker);
    }

    /// <summary>The cluster left the configuration: its pool goes once requests still using it are done.</summary>
    public void Retire() => _clients.Retire(_current.Invoker);

    /// <summary>The proxy is shutting down.</summary>
    public void Close() => _current.Invoker.Dispose();

    private Balanced Rebalance(ClusterModel model, EndpointModel[] hosts)
    {
        // Building a ring or Maglev table can take a while: one request builds it, the others wait for it.
        lock (_rebalance)
        {
            var balanced = _balanced;
            if (ReferenceEquals(balanced.Hosts, hosts) && ReferenceEquals(balanced.Model, model)) return balanced;
            balanced = Balance(model, hosts);
            _balanced = balanced;
            return balanced;
        }
    }

    private static Balanced Balance(ClusterModel model, EndpointModel[] hosts) =>
        new(hosts, model, LoadBalancerFactory.Create(model.LbPolicy, hosts, model.Hashing));

    private static EndpointModel[] Healthy(IReadOnlyList<EndpointModel> endpoints) => endpoints.Where(e => e.Healthy).ToArray();

    private static bool Multiplexed(ClusterModel model) => model.Protocol == UpstreamProtocol.Http2;
}
