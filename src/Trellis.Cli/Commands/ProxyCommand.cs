using System.CommandLine;
using Trellis.Proxy;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>`trellis proxy`: runs one Trellis proxy (sidecar or gateway), configured over xDS.
/// Started by `trellis up` for every pod and for the ingress gateway.</summary>
internal static class ProxyCommand
{
    public static Command Create()
    {
        var type = new Option<string>("--type") { DefaultValueFactory = _ => "sidecar", Description = "sidecar | router" };
        type.AcceptOnlyFromAmong("sidecar", "router");
        var pod = new Option<string>("--pod") { Required = true };
        var ns = new Option<string>("--namespace") { Required = true };
        var workload = new Option<string?>("--workload");
        var serviceAccount = new Option<string>("--service-account") { DefaultValueFactory = _ => "default" };
        var labels = new Option<string[]>("--label") { AllowMultipleArgumentsPerToken = true, Description = "key=value (repeatable)" };
        var xds = new Option<string>("--xds") { Required = true, Description = "ADS server, e.g. http://127.0.0.1:15010" };
        var admin = new Option<int>("--admin-port") { Required = true };
        var meta = new Option<string[]>("--meta") { AllowMultipleArgumentsPerToken = true, Description = "extra node metadata KEY=VALUE (repeatable)" };
        var adminToken = new Option<string?>("--admin-token-file")
        {
            Description = "File (0600) holding the token the mutating admin endpoints need; without it they are disabled",
        };
        var command = new Command("proxy", "Run a Trellis proxy (normally started by `trellis up`)")
        {
            type, pod, ns, workload, serviceAccount, labels, xds, admin, meta, adminToken,
        };
        command.Hidden = true;
        command.SetAction(async (result, ct) =>
        {
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
                AdminToken: token);
            await ProxyHost.RunAsync(options, ct);
            return 0;
        });
        return command;
    }

    private static IReadOnlyDictionary<string, string> Pairs(string[]? items) =>
        (items ?? []).Select(i => i.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
