using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trellis.ControlPlane.Observability.Traffic;
using Trellis.ControlPlane.Translation;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Observability.Scraping;

/// <summary>Scrapes every connected sidecar's and gateway's metrics on its loopback admin port at a fixed interval and
/// records what changed as one <see cref="TrafficRound"/>: the dashboard and `trellis top` need no Prometheus. A proxy
/// that does not answer in time is skipped for that round, and for a few more if it keeps not answering
/// (<see cref="ScrapeBackoff"/>); its counters are compared again at the next answer.</summary>
internal sealed partial class ProxyScraper(XdsConnectionRegistry connections, TrafficHistory history, ScrapeSettings settings,
    TimeProvider time, ILogger<ProxyScraper> logger) : BackgroundService
{
    /// <summary>Proxies render a few hundred kilobytes at most; anything far larger is not a proxy's metrics.</summary>
    private const int MaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>Scrapes at once: thousands of sidecars are asked a few at a time, not all together.</summary>
    private const int Concurrency = 32;

    private readonly Dictionary<string, CounterDeltas> _byNode = new(StringComparer.Ordinal);
    private readonly ScrapeBackoff _backoff = new();
    private long _round;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
    {
        Timeout = TimeSpan.FromSeconds(2),
        MaxResponseContentBufferSize = MaxResponseBytes,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Interval, time);
        var last = time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                history.Add(await ScrapeAsync(now, now - last, stoppingToken));
                last = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task<TrafficRound> ScrapeAsync(DateTimeOffset now, TimeSpan interval, CancellationToken ct)
    {
        var targets = connections.Snapshot()
            .Select(n => ProxyNode.From(n.Node.Id, n.Node.Metadata, n.Node.Labels))
            .Where(n => n.Kind is ProxyKind.Sidecar or ProxyKind.Router && n.Port(ProxyNode.AdminPortKey) is not null)
            .DistinctBy(n => n.Id)
            .ToList();
        var number = _round++;
        var asked = targets.Select(t => _backoff.ShouldAsk(t.Id, number)).ToArray();
        var texts = new string?[targets.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count).Where(i => asked[i]),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct },
            async (i, token) => texts[i] = await FetchAsync(targets[i], token));
        var round = new TrafficRound(now, interval);
        for (var i = 0; i < targets.Count; i++)
        {
            if (texts[i] is not { } text)
            {
                if (asked[i]) _backoff.Failed(targets[i].Id, number);
                continue;
            }
            _backoff.Answered(targets[i].Id);
            if (!_byNode.TryGetValue(targets[i].Id, out var deltas)) _byNode[targets[i].Id] = deltas = new CounterDeltas();
            RoundBuilder.Add(round, deltas, PrometheusTextReader.Read(text, RoundBuilder.Wanted));
        }
        var connected = targets.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _byNode.Keys.Where(id => !connected.Contains(id)).ToList()) _byNode.Remove(gone);
        _backoff.Keep(connected);
        return round;
    }

    private async Task<string?> FetchAsync(ProxyNode proxy, CancellationToken ct)
    {
        try
        {
            return await _http.GetStringAsync($"http://127.0.0.1:{proxy.Port(ProxyNode.AdminPortKey)}/stats/prometheus", ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogUnreachable(proxy.PodName, proxy.Namespace, e.Message);
            return null;
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "metrics of {Pod}.{Namespace} not scraped this round: {Reason}")]
    private partial void LogUnreachable(string pod, string @namespace, string reason);
}

/// <summary>How often the control plane scrapes its proxies.</summary>
internal sealed record ScrapeSettings(TimeSpan Interval)
{
    public static readonly ScrapeSettings Default = new(TimeSpan.FromSeconds(5));
}
