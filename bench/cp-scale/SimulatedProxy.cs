using System.Diagnostics;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Net.Client;
using Trellis.Xds;

namespace Trellis.Bench.CpScale;

/// <summary>One simulated sidecar: a state-of-the-world ADS stream on its own HTTP/2 connection that behaves as Envoy
/// does on the wire. It presents its pod token, subscribes to clusters and listeners (wildcard), then to the routes,
/// endpoints and secrets they name, and ACKs every response with its version and nonce. It records when it ACKed
/// what, which is all the benchmark measures.</summary>
internal sealed class SimulatedProxy(SimulatedPod pod, string token, ResponseHeads heads, PushedBytes pushed)
{
    /// <summary>The types a sidecar must have accepted before it can serve: Envoy's warming set.</summary>
    private static readonly string[] Required = [TypeUrls.Listener, TypeUrls.Cluster, TypeUrls.RouteConfiguration, TypeUrls.ClusterLoadAssignment];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _acked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private Dictionary<string, string>? _baseline;
    private long _syncedAt;
    private long _lastChangeAckedAt;

    public SimulatedPod Pod => pod;

    /// <summary>Why the stream ended before it was stopped; null while it runs.</summary>
    public string? Failure { get; private set; }

    /// <summary>When (<see cref="Stopwatch"/> ticks) it first held an accepted version of every required type; 0 until then.</summary>
    public long SyncedAt => Volatile.Read(ref _syncedAt);

    /// <summary>When it last ACKed a version that differs from the one it held at <see cref="MarkBaseline"/>; 0 if none.</summary>
    public long LastChangeAckedAt => Volatile.Read(ref _lastChangeAckedAt);

    /// <summary>Remembers the versions it holds now, so later ACKs of other versions count as the change arriving.</summary>
    public void MarkBaseline()
    {
        lock (_gate)
        {
            _baseline = new Dictionary<string, string>(_acked, StringComparer.Ordinal);
            Volatile.Write(ref _lastChangeAckedAt, 0);
        }
    }

    /// <summary>How often the stream was re-opened after the control plane could not be reached.</summary>
    public int Reconnects { get; private set; }

    public async Task RunAsync(GrpcChannel channel, CancellationToken ct)
    {
        var backoff = MinBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(channel, ct);
                if (!ct.IsCancellationRequested) Failure = "the control plane closed the stream";
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && !ct.IsCancellationRequested)
            {
                // As Envoy does when its control plane cannot be reached (a full accept queue in a connect storm):
                // retry with jittered exponential back-off; what the proxy had ACKed stays in force.
                Reconnects++;
                try
                {
                    await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)backoff.TotalMilliseconds)), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                Failure = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{e.GetType().Name}: {e.Message}";
                return;
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopping cancels the call; that is the normal end of a run.
            }
        }
    }

    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private async Task StreamAsync(GrpcChannel channel, CancellationToken ct)
    {
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(heads.StreamAggregatedResources, null,
            new CallOptions(new Metadata { { "authorization", "Bearer " + token } }, cancellationToken: ct));
        var subscribed = new Dictionary<string, string[]>(StringComparer.Ordinal) { [TypeUrls.Cluster] = [], [TypeUrls.Listener] = [] };
        var nonces = new Dictionary<string, string>(StringComparer.Ordinal);
        var secretsBySource = new Dictionary<string, string[]>(StringComparer.Ordinal);

        var first = Request(TypeUrls.Cluster, "", "", []);
        first.Node = pod.Node();
        await call.RequestStream.WriteAsync(first, ct);
        await call.RequestStream.WriteAsync(Request(TypeUrls.Listener, "", "", []), ct);

        while (await call.ResponseStream.MoveNext(ct))
        {
            var response = call.ResponseStream.Current;
            var type = response.TypeUrl;
            pushed.Add(type, response.Size);
            await call.RequestStream.WriteAsync(Request(type, response.VersionInfo, response.Nonce, subscribed.GetValueOrDefault(type, [])), ct);
            nonces[type] = response.Nonce;
            Acked(type, response.VersionInfo);
            foreach (var (dependent, found) in response.Dependents)
            {
                var wanted = found;
                if (dependent == TypeUrls.Secret)
                {
                    // Secrets hang off listeners and clusters alike: the subscription is the union of both.
                    secretsBySource[type] = found;
                    wanted = secretsBySource.Values.SelectMany(n => n).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                }
                if (subscribed.TryGetValue(dependent, out var current) ? current.SequenceEqual(wanted) : wanted.Length == 0 && dependent == TypeUrls.Secret) continue;
                subscribed[dependent] = wanted;
                lock (_gate) _pending.Add(dependent);
                string version;
                lock (_gate) version = _acked.GetValueOrDefault(dependent, "");
                await call.RequestStream.WriteAsync(Request(dependent, version, nonces.GetValueOrDefault(dependent, ""), wanted), ct);
            }
        }
    }

    private void Acked(string type, string version)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _acked[type] = version;
            _pending.Remove(type);
            if (_baseline is not null && _baseline.GetValueOrDefault(type) != version) Volatile.Write(ref _lastChangeAckedAt, now);
            if (_syncedAt == 0 && _pending.Count == 0 && Required.All(_acked.ContainsKey)) Volatile.Write(ref _syncedAt, now);
        }
    }

    private static DiscoveryRequest Request(string type, string version, string nonce, string[] resourceNames)
    {
        var request = new DiscoveryRequest { TypeUrl = type, VersionInfo = version, ResponseNonce = nonce };
        request.ResourceNames.AddRange(resourceNames);
        return request;
    }
}
