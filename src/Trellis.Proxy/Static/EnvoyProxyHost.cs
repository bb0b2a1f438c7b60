using System.Net;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Static;
using Trellis.Proxy.Xds;
using Trellis.Xds;
using Trellis.Xds.Client;

namespace Trellis.Proxy;

/// <summary>Runs a Trellis proxy from an Envoy v3 bootstrap file, as <c>envoy -c FILE</c> does: its static resources
/// compiled as xDS resources are, its admin port, and ADS when <c>dynamic_resources</c> names a server.</summary>
public static class EnvoyProxyHost
{
    /// <summary>Serves the bootstrap until cancelled or told to quit; returns 1 after writing one line to
    /// <paramref name="errors"/> when the bootstrap cannot run.</summary>
    public static async Task<int> RunAsync(string path, string? adminToken, TextWriter errors, CancellationToken ct)
    {
        if (!TryPlan(path, errors, out var plan)) return 1;
        var levels = new LogLevels();
        using var loggers = ProxyLogging.Create(levels);
        var log = loggers.CreateLogger("Trellis.Proxy");
        var identity = plan.Identity();
        await using var runtime = new ProxyRuntime(identity, adminToken, loggers) { LogLevels = levels };
        try
        {
            await runtime.StartAdminAsync(plan.AdminPort ?? 0, ct);
        }
        catch (IOException e)
        {
            await errors.WriteLineAsync($"error: {path}: admin.address: cannot bind 127.0.0.1:{plan.AdminPort}: {e.GetBaseException().Message}");
            return 1;
        }
        if (StaticSecrets(plan, runtime.Secrets, path) is { } secretError)
        {
            await errors.WriteLineAsync(secretError);
            return 1;
        }
        if (plan.AdminAddress is { } asked && !IPAddress.IsLoopback(IPAddress.Parse(asked)))
            log.LogWarning("admin.address {Address} is not loopback: the admin endpoint binds 127.0.0.1 only, as every Trellis proxy's does", asked);
        await using var resources = new StaticResourceOverlay(runtime.Handler, plan.Listeners, plan.Clusters, DnsClusterResolver.System,
            loggers.CreateLogger("Trellis.Proxy.Dns"));
        if (await resources.StartAsync() is { } error)
        {
            await errors.WriteLineAsync($"error: {path}: {error}");
            return 1;
        }
        log.LogInformation("proxy {Node} from {Path}: {Listeners} static listener(s), {Clusters} static cluster(s), admin on 127.0.0.1:{Port}{Ads}",
            identity.NodeId, path, plan.Listeners.Count, plan.Clusters.Count, runtime.Admin.Port, plan.AdsServer is { } s ? $", ADS {s}" : "");
        await using var ads = plan.AdsServer is { } server ? new AdsClient(server, plan.Node, resources, loggers.CreateLogger("Trellis.Proxy.Ads"), protocol: plan.AdsProtocol) : null;
        ads?.Start();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, runtime.QuitRequested);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        log.LogInformation("proxy {Node} shutting down: draining listeners", identity.NodeId);
        return 0;
    }

    /// <summary><c>--mode validate</c>: parses and compiles the bootstrap without binding anything; writes "OK" or the
    /// error line and returns 0 or 1.</summary>
    public static int Validate(string path, TextWriter output, TextWriter errors)
    {
        if (!TryPlan(path, errors, out var plan)) return 1;
        using var clusters = new ClusterRegistry(new UpstreamHttpClients(new EndpointDialer(new OwnSockets()), TimeSpan.FromSeconds(30)), ClusterRegistry.ConnectionOverflowCounter());
        var secrets = new Secrets.SecretStore();
        if (StaticSecrets(plan, secrets, path) is { } secretError)
        {
            errors.WriteLine(secretError);
            return 1;
        }
        try
        {
            var now = DateTimeOffset.UtcNow;
            var accepted = AcceptedResources.Empty
                .With(TypeUrls.Cluster, "static", plan.Clusters.ToArray(), now)
                .With(TypeUrls.Listener, "static", plan.Listeners.ToArray(), now);
            new SnapshotCompiler(clusters, secrets).Compile(accepted, ProxySnapshot.Empty);
        }
        catch (ConfigException e)
        {
            errors.WriteLine($"error: {path}: {e.Message}");
            return 1;
        }
        output.WriteLine($"{path}: OK ({plan.Listeners.Count} listener(s), {plan.Clusters.Count} cluster(s){(plan.AdsServer is { } s ? $", ADS {s}" : "")})");
        return 0;
    }

    /// <summary>Puts static_resources.secrets in the store before any listener needs them; the error line when one is refused.</summary>
    private static string? StaticSecrets(EnvoyBootstrapPlan plan, Secrets.SecretStore store, string path)
    {
        try
        {
            Secrets.SecretResources.Apply(plan.Secrets, store, "static_resources.secrets");
            return null;
        }
        catch (ConfigException e)
        {
            return $"error: {path}: {e.Message}";
        }
    }

    private static bool TryPlan(string path, TextWriter errors, out EnvoyBootstrapPlan plan)
    {
        try
        {
            plan = EnvoyBootstrapPlan.From(EnvoyBootstrapLoader.Load(path), path);
            return true;
        }
        catch (BootstrapException e)
        {
            errors.WriteLine($"error: {e.Message}");
            plan = null!;
            return false;
        }
    }

}
