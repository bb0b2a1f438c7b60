namespace Trellis.Proxy.Clusters;

/// <summary>Envoy's outlier detection for one cluster: counts each endpoint's consecutive 5xx answers and
/// gateway failures (502, 503, 504, and attempts that got no answer), ejects an endpoint that reaches a
/// threshold for base_ejection_time × its ejection count (up to max_ejection_time) while no more than
/// max_ejection_percent of the endpoints are out, and brings it back at the next interval after that.
/// It is the cluster's health view: <see cref="Available"/> holds the endpoints not ejected, or all of them
/// when fewer than the healthy panic threshold remain, as an immutable array swapped on each change, which
/// the balancer reads. Only reports, endpoint updates and the once-per-interval sweep take the lock.</summary>
internal sealed class OutlierDetector
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
    private readonly TimeProvider _time;
    private Host[] _hosts = [];
    private Dictionary<string, Host> _byAuthority = new(StringComparer.Ordinal);
    private volatile EndpointModel[] _available = [];
    private long _nextSweep;

    public OutlierDetector(OutlierSettings settings, IReadOnlyList<EndpointModel> endpoints, TimeProvider? time = null)
    {
        Settings = settings;
        _time = time ?? TimeProvider.System;
        _nextSweep = _time.GetTimestamp() + Ticks(settings.Interval);
        Update(endpoints);
    }

    public OutlierSettings Settings { get; }

    /// <summary>The endpoints the balancer may pick from now; the same array until ejections change.</summary>
    public EndpointModel[] Available
    {
        get
        {
            if (_time.GetTimestamp() >= Volatile.Read(ref _nextSweep)) Sweep();
            return _available;
        }
    }

    /// <summary>Takes the cluster's new endpoints; those it already knew keep their counts and ejections,
    /// so an EDS update does not forgive an endpoint that is still out.</summary>
    public void Update(IReadOnlyList<EndpointModel> endpoints)
    {
        lock (_gate)
        {
            var hosts = endpoints.Where(e => e.Healthy).Select(e => new Host(e)).ToArray();
            foreach (var host in hosts)
            {
                if (!_byAuthority.TryGetValue(host.Endpoint.Authority, out var old)) continue;
                (host.Consecutive5xx, host.ConsecutiveGatewayFailures, host.EjectedAt, host.Ejections) =
                    (old.Consecutive5xx, old.ConsecutiveGatewayFailures, old.EjectedAt, old.Ejections);
            }
            _hosts = hosts;
            _byAuthority = hosts.GroupBy(h => h.Endpoint.Authority).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            Publish();
        }
    }

    /// <summary>Whether <paramref name="endpoint"/> is ejected now (Envoy's /failed_outlier_check).</summary>
    public bool IsEjected(EndpointModel endpoint)
    {
        lock (_gate) return _byAuthority.TryGetValue(endpoint.Authority, out var host) && host.EjectedAt is not null;
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
        Publish();
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
            if (changed) Publish();
        }
    }

    private void Publish()
    {
        var available = _hosts.Where(h => h.EjectedAt is null).Select(h => h.Endpoint).ToArray();
        // Panic mode, as Envoy: with too few endpoints left, balancing over all of them beats overloading the rest.
        var panic = _hosts.Length > 0 && 100.0 * available.Length / _hosts.Length < Settings.PanicThresholdPercent;
        _available = panic ? _hosts.Select(h => h.Endpoint).ToArray() : available;
    }

    // Saturates, so that an interval of years cannot overflow the sweep deadline into the past.
    private long Ticks(TimeSpan span) => (long)Math.Min(span.TotalSeconds * _time.TimestampFrequency, long.MaxValue / 4);
}
