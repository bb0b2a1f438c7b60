using System.CommandLine;
using Trellis.Proxy.Bootstrap;
using Trellis.Runtime;
using Trellis.Xds;

namespace Trellis.Proxy;

/// <summary>`trellis proxy`: runs one Trellis proxy (sidecar or gateway), configured over xDS.
/// Started by `trellis up` for every pod and for the ingress gateway, as the native `trellis-proxy` executable where
/// one was built, else as `trellis proxy`: the same command either way. With `-c FILE` it runs from an Envoy v3
/// bootstrap instead, as `envoy -c FILE` does (`--mode validate` only checks the file).</summary>
public static class ProxyCommand
{
    private const string Summary = "Run a Trellis proxy (normally started by `trellis up`)";

    /// <summary>`trellis proxy`, hidden among the CLI's verbs.</summary>
    public static Command Create() => Configure(new Command("proxy", Summary) { Hidden = true });

    /// <summary>The same command as a program of its own: the native `trellis-proxy`.</summary>
    public static RootCommand CreateRoot() => Configure(new RootCommand(Summary));

    private static T Configure<T>(T command) where T : Command
    {
        var type = new Option<string>("--type") { DefaultValueFactory = _ => "sidecar", Description = "sidecar | router" };
        type.AcceptOnlyFromAmong("sidecar", "router");
        var config = new Option<string?>("--config-path", "-c") { Description = "Envoy v3 bootstrap (YAML or JSON) to run instead of the xDS-mode options" };
        var mode = new Option<string>("--mode") { DefaultValueFactory = _ => "serve", Description = "serve | validate (with --config-path: check the bootstrap and exit)" };
        mode.AcceptOnlyFromAmong("serve", "validate");
        var pod = new Option<string>("--pod");
        var ns = new Option<string>("--namespace");
        var workload = new Option<string?>("--workload");
        var serviceAccount = new Option<string>("--service-account") { DefaultValueFactory = _ => "default" };
        var labels = new Option<string[]>("--label") { AllowMultipleArgumentsPerToken = true, Description = "key=value (repeatable)" };
        var xds = new Option<string>("--xds") { Description = "ADS server, e.g. http://127.0.0.1:15010" };
        var admin = new Option<int>("--admin-port");
        var meta = new Option<string[]>("--meta") { AllowMultipleArgumentsPerToken = true, Description = "extra node metadata KEY=VALUE (repeatable)" };
        var adminToken = new Option<string?>("--admin-token-file")
        {
            Description = "File (0600) holding the token the mutating admin endpoints need; without it they are disabled",
        };
        var podToken = new Option<string?>("--token-file")
        {
            Description = "File (0600) holding the pod token: the proxy proves its identity to the xDS server with it and obtains its certificate",
        };
        var caUrl = new Option<string?>("--ca-url") { Description = "The CA (Istio's IstioCertificateService); the --xds server by default" };
        var appMetrics = new Option<string?>("--app-metrics")
        {
            Description = "The app's Prometheus endpoint (http://127.0.0.1:PORT/PATH) to merge into /stats/prometheus, as Istio merges a pod's prometheus.io/* target",
        };
        var concurrency = new Option<int>("--concurrency")
        {
            DefaultValueFactory = _ => EventLoops.DefaultConcurrency,
            Description = "Event-loop threads serving the connections, as Istio's ProxyConfig concurrency (0: one per core)",
        };
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--concurrency: expected 0 (one per core) or more"); });
        foreach (var option in new Option[] { config, mode, type, pod, ns, workload, serviceAccount, labels, xds, admin, meta, adminToken, podToken, caUrl, appMetrics, concurrency })
            command.Options.Add(option);
        Option[] xdsMode = [type, pod, ns, workload, serviceAccount, labels, xds, admin, meta, podToken, caUrl, appMetrics];
        Option[] xdsRequired = [pod, ns, xds, admin];
        command.Validators.Add(result =>
        {
            static bool Given(System.CommandLine.Parsing.CommandResult r, Option o) => r.GetResult(o) is { Implicit: false };
            if (Given(result, config))
            {
                if (xdsMode.Where(o => Given(result, o)).Select(o => o.Name).ToArray() is { Length: > 0 } extra)
                    result.AddError($"{string.Join(", ", extra)}: not with --config-path (the bootstrap names the node, the ADS server and the admin port)");
            }
            else if (xdsRequired.Where(o => !Given(result, o)).Select(o => o.Name).ToArray() is { Length: > 0 } missing)
            {
                result.AddError($"{string.Join(", ", missing)}: required without --config-path FILE");
            }
            if (result.GetValue(appMetrics) is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttp))
                result.AddError($"--app-metrics {url}: expected an http:// URL such as http://127.0.0.1:9080/metrics");
            if (Given(result, mode) && result.GetValue(mode) == "validate" && !Given(result, config))
                result.AddError("--mode validate: needs --config-path FILE");
        });
        command.SetAction(async (result, ct) =>
        {
            EventLoops.Use(result.GetValue(concurrency));
            string? token = null;
            if (result.GetValue(adminToken) is { } tokenFile)
            {
                try
                {
                    token = SecretFile.Read(tokenFile);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"error: cannot read the admin token: {e.Message}");
                    return 1;
                }
            }
            if (result.GetValue(config) is { } bootstrap)
            {
                return result.GetValue(mode) == "validate"
                    ? EnvoyProxyHost.Validate(bootstrap, Console.Out, Console.Error)
                    : await EnvoyProxyHost.RunAsync(bootstrap, token, Console.Error, ct);
            }
            // Istio's agent knob for the certificate lifetime it asks for.
            TimeSpan? certificateTtl = null;
            if (Environment.GetEnvironmentVariable("SECRET_TTL") is { Length: > 0 } ttlText)
            {
                if (!GoDuration.TryParse(ttlText, out var ttl))
                {
                    Console.Error.WriteLine($"error: SECRET_TTL={ttlText}: expected a duration such as 24h, 30m or 90s");
                    return 1;
                }
                certificateTtl = ttl;
            }
            var podName = result.GetValue(pod)!;
            var podNamespace = result.GetValue(ns)!;
            var options = new ProxyOptions(
                NodeId: $"{result.GetValue(type)}~127.0.0.1~{podName}.{podNamespace}~{podNamespace}.svc.cluster.local",
                XdsServer: new Uri(result.GetValue(xds)!),
                AdminPort: result.GetValue(admin),
                Namespace: podNamespace,
                PodName: podName,
                WorkloadName: result.GetValue(workload) ?? podName,
                ServiceAccount: result.GetValue(serviceAccount)!,
                Labels: Pairs(result.GetValue(labels)),
                ExtraMetadata: Pairs(result.GetValue(meta)),
                AdminToken: token,
                TokenFile: result.GetValue(podToken),
                CaServer: result.GetValue(caUrl) is { } ca ? new Uri(ca) : null,
                CertificateTtl: certificateTtl,
                AppMetrics: result.GetValue(appMetrics) is { } app ? new Uri(app) : null);
            await ProxyHost.RunAsync(options, ct);
            return 0;
        });
        return command;
    }

    private static IReadOnlyDictionary<string, string> Pairs(string[]? items) =>
        (items ?? []).Select(i => i.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
