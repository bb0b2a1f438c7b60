using Envoy.Config.Cluster.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.LoadBalancing;

namespace Trellis.Proxy.Clusters;

/// <summary>Envoy's outlier detection for one cluster: counts each endpoint's consecutive 5xx answers and
/// gateway failures (502, 503, 504, and attempts that got no answer), ejects an endpoint that reaches a
/// threshold for base_ejection_time × its ejection count (up to max_ejection_time) while no more than
/// max_ejection_percent of the endpoints are out, and brings it back at the next interval after that.
/// Requests balance over the endpoints not ejected, or over all of them when fewer than the healthy
/// panic threshold remain. Picks read an immutable balancer swapped on each change; only reports and
/// the once-per-interval sweep take the lock.</summary>
internal sealed class OutlierDetector : ILoadBalancer
{
    private sealed class Host(EndpointModel endpoint)
    {
        public EndpointModel Endpoint { get; } = endpoint;
        public uint Consecutive5xx;
        public uint ConsecutiveGatewayFailures;
        public long? EjectedAt;
        public uint Ejections;
    }

    private readonly Lock _gate = new();
    private readonly Host[] _hosts;
    private readonly Dictionary<string, Host> _byAuthority;
    private readonly Cluster.Types.LbPolicy _policy;
    private readonly HashRingSettings _hashing;
    private readonly TimeProvider _time;
    private volatile ILoadBalancer _balancer;
    private long _nextSweep;

    public OutlierDetector(OutlierSettings settings, Cluster.Types.LbPolicy policy, HashRingSettings hashing, IReadOnlyList<EndpointModel> endpoints,
        OutlierDetector? previous, TimeProvider? time = null)
    {
        Settings = settings;
        _policy = policy;
        _hashing = hashing;
        _time = time ?? TimeProvider.System;
        _hosts = endpoints.Where(e => e.Healthy).Select(e => new Host(e)).ToArray();
        _byAuthority = _hosts.GroupBy(h => h.Endpoint.Authority).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        // An EDS update must not forgive an endpoint that is still out.
        if (previous is not null)
        {
            lock (previous._gate)
            {
                foreach (var host in _hosts)
                {
                    if (!previous._byAuthority.TryGetValue(host.Endpoint.Authority, out var old)) continue;
                    (host.Consecutive5xx, host.ConsecutiveGatewayFailures, host.EjectedAt, host.Ejections) =
                        (old.Consecutive5xx, old.ConsecutiveGatewayFailures, old.EjectedAt, old.Ejections);
                }
            }
        }
        _nextSweep = _time.GetTimestamp() + Ticks(settings.Interval);
        _balancer = Build();
    }

    public OutlierSettings Settings { get; }

    /// <summary>Endpoints currently ejected, for the admin page and tests.</summary>
    public IReadOnlyList<EndpointModel> Ejected
    {
        get
        {
            lock (_gate) return _hosts.Where(h => h.EjectedAt is not null).Select(h => h.Endpoint).ToArray();
        }
    }

    public EndpointModel? Pick(HttpContext context, ulong? hash)
    {
        if (_time.GetTimestamp() >= Volatile.Read(ref _nextSweep)) Sweep();
        return _balancer.Pick(context, hash);
    }

    /// <summary>Records how one attempt on <paramref name="endpoint"/> ended: the upstream's status, or null
    /// when it gave no answer (connect failure, reset, timeout).</summary>
    public void Report(EndpointModel endpoint, int? status)
    {
        var failed5xx = status is null or >= 500;
        var gatewayFailure = status is null or 502 or 503 or 504;
        lock (_gate)
        {
            if (!_byAuthority.TryGetValue(endpoint.Authority, out var host)) return;
            host.Consecutive5xx = failed5xx ? host.Consecutive5xx + 1 : 0;
            host.ConsecutiveGatewayFailures = gatewayFailure ? host.ConsecutiveGatewayFailures + 1 : 0;
            if (host.EjectedAt is not null) return;
            if (Settings.Consecutive5xx > 0 && host.Consecutive5xx >= Settings.Consecutive5xx)
            {
                host.Consecutive5xx = 0;
                if (Enforced(Settings.Enforcing5xx)) Eject(host);
            }
            else if (Settings.ConsecutiveGatewayFailure > 0 && host.ConsecutiveGatewayFailures >= Settings.ConsecutiveGatewayFailure)
            {
                host.ConsecutiveGatewayFailures = 0;
                if (Enforced(Settings.EnforcingGatewayFailure)) Eject(host);
            }
        }
    }

    private static bool Enforced(uint percent) => percent >= 100 || (percent > 0 && Random.Shared.Next(100) < percent);

    private void Eject(Host host)
    {
        var ejected = _hosts.Count(h => h.EjectedAt is not null);
        // Envoy's rule: eject only while the share of ejected endpoints stays within max_ejection_percent.
        if (100.0 * (ejected + 1) / _hosts.Length > Settings.MaxEjectionPercent) return;
        host.EjectedAt = _time.GetTimestamp();
        host.Ejections++;
        host.ConsecutiveGatewayFailures = 0;
        _balancer = Build();
    }

    /// <summary>Once per interval: endpoints whose ejection time is over come back, and endpoints that stayed
    /// in earn back one step of their ejection multiplier.</summary>
    private void Sweep()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (now < _nextSweep) return;
            _nextSweep = now + Ticks(Settings.Interval);
            var changed = false;
            foreach (var host in _hosts)
            {
                if (host.EjectedAt is { } at)
                {
                    var duration = TimeSpan.FromTicks(Math.Min(Settings.BaseEjectionTime.Ticks * host.Ejections, Settings.MaxEjectionTime.Ticks));
                    if (_time.GetElapsedTime(at, now) < duration) continue;
                    host.EjectedAt = null;
                    changed = true;
                }
                else if (host.Ejections > 0)
                {
                    host.Ejections--;
                }
            }
            if (changed) _balancer = Build();
        }
    }

    private ILoadBalancer Build()
    {
        var available = _hosts.Where(h => h.EjectedAt is null).Select(h => h.Endpoint).ToArray();
        // Panic mode, as Envoy: with too few endpoints left, balancing over all of them beats overloading the rest.
        var panic = _hosts.Length > 0 && 100.0 * available.Length / _hosts.Length < Settings.PanicThresholdPercent;
        return LoadBalancerFactory.Create(_policy, panic ? _hosts.Select(h => h.Endpoint).ToArray() : available, _hashing);
    }

    // Saturates, so that an interval of years cannot overflow the sweep deadline into the past.
    private long Ticks(TimeSpan span) => (long)Math.Min(span.TotalSeconds * _time.TimestampFrequency, long.MaxValue / 4);
}
