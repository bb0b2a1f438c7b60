using System.Diagnostics;
using Grpc.Net.Client;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Identity;
using Trellis.LocalMode;
using Trellis.Runtime;

namespace Trellis.Bench.CpScale;

/// <summary>One run. The harness takes local mode's runtime's place: it owns the mesh home, publishes the simulated
/// pods in pods.json (the control plane's workload source), issues their pod tokens with the home's signing key as
/// `trellis up` does, and starts `trellis controlplane`. It then applies the services through the apply API
/// (`trellis apply`'s client), opens every proxy's stream at once, and changes one VirtualService.</summary>
/// <param name="rssLimit">The control plane's resident memory at which the run stops rather than take the machine's
/// memory from everything else running on it; the figures then say how far it got.</param>
internal sealed class ScaleBenchmark(MeshManifests mesh, int proxies, string trellisDll, MeshHome home, TimeSpan timeout, long rssLimit, TextWriter log)
{
    private const int ServicesPerApply = 100;

    /// <summary>After the last new ACK, how long without another before the change is taken as complete when not every
    /// proxy was affected by it.</summary>
    private static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(10);

    public async Task<ScaleFigures> RunAsync(CancellationToken ct)
    {
        home.EnsureExists();
        // Held while the run lasts, so `trellis --home HOME proxy-status` (or `get`) can look at the mesh meanwhile.
        using var supervisor = SupervisorLock.TryAcquire(home) ?? throw new InvalidOperationException($"a mesh is already running in {home.Root}");
        using var tokens = PodTokenAuthority.LoadOrCreate(home.TokenSigningKeyPath);
        var pods = SimulatedPod.For(mesh.Services, proxies);
        var startedAt = DateTimeOffset.UtcNow;
        PodStateStore.Write(home, pods.Select(p => p.State(startedAt)).ToList());

        using var controlPlane = ControlPlaneProcess.Start(trellisDll, home);
        var state = new MeshState(Environment.ProcessId, startedAt, "bench/cp-scale", controlPlane.Pid, controlPlane.XdsPort, controlPlane.ApiPort, 0, 0);
        using var api = new ControlPlaneClient(home, state);
        await WaitHealthyAsync(api, controlPlane, ct);
        state.Write(home);

        log.WriteLine($"applying {mesh.Services} services ...");
        var load = Stopwatch.StartNew();
        var objects = 0;
        foreach (var batch in mesh.Batches(ServicesPerApply))
            objects += Accepted(await api.SendAsync("apply", batch, ct)).Results.Count;
        load.Stop();
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var idleRss = controlPlane.Rss().Now;

        var heads = new ResponseHeads(new SubscriptionNames());
        var pushed = new PushedBytes();
        var simulated = pods.Select(p => new SimulatedProxy(p, tokens.Issue(new WorkloadIdentity(p.Namespace, p.ServiceAccount, p.Name)), heads, pushed)).ToList();
        var xds = new Uri($"http://127.0.0.1:{controlPlane.XdsPort}");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var channels = simulated.Select(_ => GrpcChannel.ForAddress(xds, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            // Each sidecar has a connection of its own to the control plane, as each Envoy does.
            HttpHandler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = false },
        })).ToList();

        log.WriteLine($"connecting {proxies} proxies ...");
        var (cpuBefore, pushedBefore, stormStart) = (controlPlane.Cpu(), pushed.Read(), Stopwatch.GetTimestamp());
        var streams = simulated.Zip(channels, (p, c) => Task.Run(() => p.RunAsync(c, stop.Token), CancellationToken.None)).ToList();
        var abort = await WaitAsync(controlPlane, () => simulated.All(p => p.SyncedAt != 0 || p.Failure is not null), ct);
        var synced = simulated.Where(p => p.SyncedAt != 0).ToList();
        var stormEnd = synced.Count == proxies ? synced.Max(p => p.SyncedAt) : Stopwatch.GetTimestamp();
        var storm = Phase(Stopwatch.GetElapsedTime(stormStart, stormEnd), controlPlane.Cpu() - cpuBefore, pushed.Read(), pushedBefore);
        log.WriteLine($"{synced.Count}/{proxies} proxies synced in {storm.Elapsed.TotalSeconds:0.00} s");
        if (abort is null) abort = await QuietAsync(controlPlane, pushed, ct);
        var rssAfterStorm = controlPlane.Rss().Now;
        ChangeFigures? change = null;
        if (abort is null) (change, abort) = await ChangeAsync(controlPlane, api, simulated, pushed, ct);
        var (rssAfterChange, peakRss) = controlPlane.Rss();

        await stop.CancelAsync();
        await Task.WhenAll(streams);
        foreach (var c in channels) c.Dispose();
        File.Delete(home.StatePath);
        return new ScaleFigures(mesh, proxies, objects, load.Elapsed, storm, synced.Count, change, idleRss, rssAfterStorm, rssAfterChange, peakRss,
            Process.GetCurrentProcess().TotalProcessorTime, simulated.Sum(p => p.Reconnects), simulated.Where(p => p.Failure is not null).Select(p => $"{p.Pod.Name}: {p.Failure}").ToList()) { Aborted = abort };
    }

    /// <summary>Changes one VirtualService and waits until the proxies have ACKed what that changed.</summary>
    private async Task<(ChangeFigures?, string?)> ChangeAsync(ControlPlaneProcess controlPlane, ControlPlaneClient api, IReadOnlyList<SimulatedProxy> simulated,
        PushedBytes pushed, CancellationToken ct)
    {

        log.WriteLine("changing one VirtualService ...");
        foreach (var p in simulated) p.MarkBaseline();
        var (cpuBefore, pushedBefore) = (controlPlane.Cpu(), pushed.Read());
        var changeStart = Stopwatch.GetTimestamp();
        Accepted(await api.SendAsync("apply", MeshManifests.CanaryChange(), ct));
        var applied = Stopwatch.GetElapsedTime(changeStart);
        var abort = await WaitForChangeAsync(controlPlane, simulated, ct);
        var delays = simulated.Where(p => p.LastChangeAckedAt != 0).Select(p => Stopwatch.GetElapsedTime(changeStart, p.LastChangeAckedAt)).Order().ToList();
        var changePhase = Phase(delays.Count > 0 ? delays[^1] : Stopwatch.GetElapsedTime(changeStart), controlPlane.Cpu() - cpuBefore, pushed.Read(), pushedBefore);
        return (new ChangeFigures(applied, delays.Count, Percentiles.Of(delays, 50), Percentiles.Of(delays, 99), delays.Count > 0 ? delays[^1] : TimeSpan.Zero, changePhase), abort);
    }

    private static PhaseFigures Phase(TimeSpan elapsed, TimeSpan cpu, PushedSoFar after, PushedSoFar before) => new(elapsed, cpu, after.Since(before));

    private static ApplyResponse Accepted(ApplyResponse response) => response.Accepted
        ? response
        : throw new InvalidOperationException("the control plane refused the benchmark's manifests: " + string.Join("; ", response.Diagnostics.Select(d => d.Text)));

    private async Task WaitHealthyAsync(ControlPlaneClient api, ControlPlaneProcess controlPlane, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!await api.IsHealthyAsync(ct))
        {
            if (controlPlane.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new InvalidOperationException($"the control plane did not start; see {home.SystemLogPath("trellisd")}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Polls until <paramref name="done"/>; returns why it stopped waiting without (time-out, memory limit).</summary>
    private async Task<string?> WaitAsync(ControlPlaneProcess controlPlane, Func<bool> done, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var polls = 0;
        while (!done())
        {
            if (clock.Elapsed > timeout) return $"stopped after the time-out of {timeout.TotalSeconds:0} s";
            // Reading /proc costs little, but not nothing: every half second is enough to stop well before the limit.
            if (++polls % 10 == 0 && controlPlane.Rss().Now is var rss && rss > rssLimit)
                return $"stopped when the control plane's RSS reached {rss / 1024 / 1024} MB (limit {rssLimit / 1024 / 1024} MB)";
            // The simulated proxies buffer whole responses too; the same limit keeps the harness from taking the machine.
            if (polls % 10 == 0 && Environment.WorkingSet > rssLimit)
                return $"stopped when the harness's own RSS reached {Environment.WorkingSet / 1024 / 1024} MB (limit {rssLimit / 1024 / 1024} MB)";
            if (controlPlane.HasExited) return "the control plane exited";
            await Task.Delay(50, ct);
        }
        return null;
    }

    /// <summary>Waits until nothing has been pushed for two seconds, so the change starts from a mesh at rest.</summary>
    private Task<string?> QuietAsync(ControlPlaneProcess controlPlane, PushedBytes pushed, CancellationToken ct)
    {
        var last = pushed.Read().Responses;
        var quietSince = Stopwatch.GetTimestamp();
        return WaitAsync(controlPlane, () =>
        {
            var now = pushed.Read().Responses;
            if (now != last) (last, quietSince) = (now, Stopwatch.GetTimestamp());
            return Stopwatch.GetElapsedTime(quietSince) > TimeSpan.FromSeconds(2);
        }, ct);
    }

    /// <summary>Every proxy has ACKed a new version and none has ACKed another for a second; or, if the change did not
    /// reach every proxy, none has for <see cref="QuietWindow"/> since the last one did.</summary>
    private Task<string?> WaitForChangeAsync(ControlPlaneProcess controlPlane, IReadOnlyList<SimulatedProxy> simulated, CancellationToken ct)
    {
        long latest = 0;
        var movedAt = Stopwatch.GetTimestamp();
        return WaitAsync(controlPlane, () =>
        {
            var changed = 0;
            var newest = 0L;
            foreach (var p in simulated)
            {
                var at = p.LastChangeAckedAt;
                if (at == 0) continue;
                changed++;
                newest = Math.Max(newest, at);
            }
            if (newest != latest) (latest, movedAt) = (newest, Stopwatch.GetTimestamp());
            var still = Stopwatch.GetElapsedTime(movedAt);
            return changed == simulated.Count ? still > TimeSpan.FromSeconds(1) : changed > 0 && still > QuietWindow;
        }, ct);
    }
}
