using System.Diagnostics;
using System.Runtime.InteropServices;
using Trellis.Config;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Identity;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>`trellis up`: validates the manifests, starts the control plane, applies the manifests to it,
/// starts the ingress gateway and every pod (sidecar first, then app), and keeps them running until
/// Ctrl-C or `trellis down`; then stops everything, apps first.</summary>
/// <param name="caCerts">A plug-in CA folder (Istio's cacerts layout); null uses HOME/cacerts when present, else the
/// mesh's self-signed root.</param>
public sealed class LocalMeshRunner(MeshHome home, IReadOnlyList<string> manifests, bool recursive, int ingressPort, string ingressAddress, ILocalMeshProgress progress,
    string? caCerts = null)
{
    /// <summary>Where the gateway's HTTPS and TLS servers listen; null picks 8443, or a free port when 8443 is taken.</summary>
    public int? HttpsPort { get; init; }

    private const int DefaultHttpsPort = 8443;

    private static int PreferredHttpsPort(PortAllocator ports)
    {
        try
        {
            return ports.Reserve(DefaultHttpsPort);
        }
        catch (InvalidOperationException)
        {
            return ports.Allocate();
        }
    }

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string ControlPlaneLog = "trellisd";

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        // Closing the terminal must stop the mesh like Ctrl-C does: pods run in their own sessions
        // and would otherwise outlive it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        var ct = stop.Token;
        SecretFile.CreatePrivateDirectory(home.Root);
        // Held until this process ends, however it ends: no second supervisor can take the home over meanwhile.
        using var supervisorLock = SupervisorLock.TryAcquire(home);
        if (supervisorLock is null)
        {
            progress.Error($"error: a mesh is already running in {home.Root} (pid {SupervisorLock.LiveSupervisor(home)}); stop it with `trellis down` or use another --home");
            return 1;
        }
        // Only now: replacing a credential others could read must not pull it from under a live mesh.
        home.EnsureExists();
        if (!Preflight.Check(manifests, recursive, progress, out var files)) return 1;
        // A broken plug-in CA is named here, before anything starts; the mesh never falls back to a self-signed root.
        var caCertsDirectory = caCerts ?? (Directory.Exists(home.CaCertsDirectory) ? home.CaCertsDirectory : null);
        if (caCertsDirectory is not null && CaCertsCheck.Problem(caCertsDirectory) is { } caProblem)
        {
            progress.Error($"error: cacerts: {caProblem}");
            return 1;
        }
        PodTokenAuthority tokenAuthority;
        try
        {
            tokenAuthority = PodTokenAuthority.LoadOrCreate(home.TokenSigningKeyPath);
        }
        catch (IdentityConfigurationException e)
        {
            progress.Error($"error: {e.Message}");
            return 1;
        }
        using var _ = tokenAuthority;
        var tokens = new PodTokens(home, tokenAuthority);

        if (LeftoverMesh.IsRecorded(home) && LeftoverMesh.Clean(home) is { Count: > 0 } leftovers)
            progress.Note($"stopped {leftovers.Count} process(es) left running by a previous mesh in {home.Root} whose supervisor died");
        ResetState();
        var ports = new PortAllocator();
        int ingress;
        try
        {
            ingress = ports.Reserve(ingressPort);
        }
        catch (InvalidOperationException e)
        {
            progress.Error($"error: {e.Message} (choose another with --port)");
            return 1;
        }
        int httpsIngress;
        try
        {
            httpsIngress = HttpsPort is { } asked ? ports.Reserve(asked) : PreferredHttpsPort(ports);
        }
        catch (InvalidOperationException e)
        {
            progress.Error($"error: {e.Message} (choose another with --https-port)");
            return 1;
        }
        var xdsPort = ports.Allocate();
        var apiPort = ports.Allocate();
        var ingressAdmin = ports.Allocate();

        await using var controlPlane = new SupervisedProcess("trellisd", () =>
            {
                string[] args = ["controlplane", "--home", home.Root, "--xds-port", xdsPort.ToString(), "--api-port", apiPort.ToString(),
                    "--admin-credential-file", home.AdminCredentialPath];
                var start = SelfLauncher.Create(caCertsDirectory is null ? args : [.. args, "--cacerts", Path.GetFullPath(caCertsDirectory)]);
                LeftoverMesh.MarkControlPlane(start, home);
                return start;
            },
            home.SystemLogPath(ControlPlaneLog));
        var state = new MeshState(Environment.ProcessId, DateTimeOffset.UtcNow, string.Join(",", manifests.Select(Path.GetFullPath)),
            0, xdsPort, apiPort, ingress, ingressAdmin) { IngressAddress = ingressAddress, IngressHttpsPort = httpsIngress };
        var stateGate = new object();
        var stateWritten = false;
        // Restarts change the pids `trellis down` may need to find; mesh.json follows them once it exists.
        void Record(Func<MeshState, MeshState> change)
        {
            lock (stateGate)
            {
                state = change(state);
                if (stateWritten) state.Write(home);
            }
        }
        controlPlane.Started += pid => Record(s => s with { ControlPlanePid = pid });
        controlPlane.Restarted += pid => progress.Step($"control plane restarted (pid {pid})");
        controlPlane.Start();
        using var client = new ControlPlaneClient(home, state);
        if (!await WaitAsync(() => client.IsHealthyAsync(ct), ct))
        {
            progress.Error($"error: the control plane did not start; see {home.SystemLogPath(ControlPlaneLog)}");
            return 1;
        }
        progress.Step($"control plane: xDS {state.XdsUrl}, API {state.ApiUrl}");

        var applied = await client.SendAsync("apply", new ApplyRequest(files), ct);
        if (!applied.Accepted)
        {
            foreach (var d in applied.Diagnostics) progress.Error(d.Text);
            return 1;
        }
        progress.Step($"applied {applied.Results.Count} objects from {string.Join(", ", manifests)}");

        lock (stateGate)
        {
            state.Write(home);
            stateWritten = true;
        }

        PodSecrets.CreateAdminToken(home, ProxyLaunch.GatewayNamespace, ProxyLaunch.GatewayName);
        await using var gateway = new SupervisedProcess(ProxyLaunch.GatewayName, () =>
            {
                tokens.WriteGateway();
                var start = ProxyLaunch.Gateway(home, state, ingress, ingressAdmin, ingressAddress);
                LeftoverMesh.MarkGateway(start, home);
                return start;
            },
            home.SystemLogPath(ProxyLaunch.GatewayName));
        gateway.Started += pid => Record(s => s with { GatewayPid = pid });
        gateway.Start();

        var sidecarDefaults = new SidecarDefaults();
        await using var pods = new LocalSupervisor(home, pod =>
        {
            tokens.Write(pod.Namespace, pod.ServiceAccount, pod.Name);
            return ProxyLaunch.Sidecar(home, state, pod, sidecarDefaults);
        }, new LocalSupervisorOptions { Ports = ports });
        var refreshTokens = tokens.RefreshAsync(() => pods.Pods, ct);
        pods.PodEvent += e => progress.Step(e.ToString());
        var deployments = new DeploymentWatcher(client, pods, sidecarDefaults);
        await deployments.SyncAsync(ct);

        if (!await WaitAsync(async () => await LoopbackHttp.IsOkAsync(ingressAdmin, "/ready", TimeSpan.FromSeconds(2), ct), ct))
            progress.Step($"warning: the ingress gateway is not ready yet; see {home.SystemLogPath(ProxyLaunch.GatewayName)}");
        else
            progress.Step($"ingress gateway: {state.IngressUrl} (HTTPS and TLS servers: {state.IngressHttpsUrl})");

        if (!await WaitAsync(() => Task.FromResult(pods.Pods.Count > 0 && pods.Pods.All(p => p.Ready)), ct))
            progress.Step("warning: not every pod is ready yet; see `trellis get pods -A` and `trellis logs`");
        progress.Summary(home, PodStateStore.Read(home), state.IngressUrl);
        try
        {
            await deployments.RunAsync(ct);
        }
        catch (OperationCanceledException)
        {
        }
        try
        {
            await refreshTokens;
        }
        catch (OperationCanceledException)
        {
        }
        progress.Note("stopping the mesh ...");
        await pods.DisposeAsync();
        await gateway.DisposeAsync();
        await controlPlane.DisposeAsync();
        File.Delete(home.StatePath);
        progress.Note("mesh stopped");
        return 0;
    }

    /// <summary>A new `up` starts from the manifests given, not from a previous run's leftovers.</summary>
    private void ResetState()
    {
        if (Directory.Exists(home.StoreDirectory)) Directory.Delete(home.StoreDirectory, recursive: true);
        Directory.CreateDirectory(home.StoreDirectory);
        File.Delete(home.PodsPath);
        File.Delete(home.StatePath);
        PodSecrets.RemoveAll(home);
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout && !ct.IsCancellationRequested)
        {
            if (await condition()) return true;
            await Task.Delay(100, ct);
        }
        return false;
    }
}
