using Microsoft.Extensions.Logging;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Identity;
using Trellis.Proxy.Static;
using Trellis.Xds.Client;

namespace Trellis.Proxy;

/// <summary>Runs a Trellis proxy (sidecar or gateway) until cancelled or told to quit.</summary>
public static class ProxyHost
{
    /// <summary>Starts the admin endpoint, connects to the control plane over ADS, serves the listeners it
    /// receives, and on cancellation stops accepting and lets in-flight requests finish.</summary>
    public static async Task RunAsync(ProxyOptions options, CancellationToken ct)
    {
        var levels = new LogLevels();
        using var loggers = ProxyLogging.Create(levels);
        var log = loggers.CreateLogger("Trellis.Proxy");
        await using var runtime = new ProxyRuntime(options, loggers) { LogLevels = levels };
        await runtime.StartAdminAsync(options.AdminPort, ct);
        log.LogInformation("proxy {Node} admin on 127.0.0.1:{Port}, control plane {Server}", options.NodeId, runtime.Admin.Port, options.XdsServer);
        // No static resources here, but DNS clusters a control plane sends are resolved as Envoy would.
        await using var resources = new StaticResourceOverlay(runtime.Handler, [], [], DnsClusterResolver.System, loggers.CreateLogger("Trellis.Proxy.Dns"));
        Func<string>? token = options.TokenFile is { } tokenFile ? () => PodToken.Read(tokenFile) : null;
        await using var agent = token is null ? null : runtime.StartCertificateAgent(
            new WorkloadCertificateAgent(options.CaServer ?? options.XdsServer, token, runtime.Secrets,
                options.CertificateTtl ?? PodToken.DefaultCertificateTtl, loggers.CreateLogger("Trellis.Proxy.Identity")));
        await using (var ads = new AdsClient(options.XdsServer, NodeFactory.Create(options), resources, loggers.CreateLogger("Trellis.Proxy.Ads"), token,
            AdsProtocol()))
        {
            ads.Start();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, runtime.QuitRequested);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        log.LogInformation("proxy {Node} shutting down: draining listeners", options.NodeId);
    }

    /// <summary>Incremental xDS, as Istio's sidecars use by default; Istio's own switch, ISTIO_DELTA_XDS=false, turns
    /// it back to state of the world.</summary>
    private static XdsProtocol AdsProtocol() =>
        string.Equals(Environment.GetEnvironmentVariable("ISTIO_DELTA_XDS"), "false", StringComparison.OrdinalIgnoreCase)
            ? XdsProtocol.StateOfTheWorld
            : XdsProtocol.Incremental;
}
