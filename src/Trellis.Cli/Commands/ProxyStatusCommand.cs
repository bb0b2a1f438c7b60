using System.CommandLine;
using Trellis.Cli.Output;
using Trellis.ControlPlane.Api;
using Trellis.LocalMode;

namespace Trellis.Cli.Commands;

/// <summary>`trellis proxy-status`: like istioctl's — per proxy and xDS type, SYNCED, STALE, NACKED or NOT SENT — and
/// the size of the configuration each proxy was sent.</summary>
internal static class ProxyStatusCommand
{
    private static readonly string[] Types = ["CDS", "LDS", "EDS", "RDS"];

    public static Command Create()
    {
        var output = CommonOptions.Output();
        var command = new Command("proxy-status", "Show every proxy's connection and config sync state") { output };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            using var client = new ControlPlaneClient(home, state);
            var proxies = await client.ProxiesAsync(ct);
            var format = result.GetValue(output)!;
            if (format is "json" or "yaml")
            {
                Printer.Structured(proxies, format);
                return 0;
            }
            Printer.Table(["name", "type", .. Types, "version", "clusters", "size"], proxies.OrderBy(p => p.Namespace).ThenBy(p => p.Pod).Select(p =>
                (IReadOnlyList<string>)[$"{p.Pod}.{p.Namespace}", p.Type, .. Types.Select(t => Sync(p, t)), Version(p), .. ConfigSize(p)]));
            foreach (var p in proxies)
                foreach (var t in p.Types.Where(t => t.NackError is not null))
                    Console.WriteLine($"{p.Pod}.{p.Namespace} rejected {t.Type} version {t.NackedVersion}: {t.NackError}");
            foreach (var p in proxies)
                foreach (var warning in p.Warnings)
                    Console.WriteLine($"warning: {p.Pod}.{p.Namespace}: {warning}");
            return 0;
        });
        return command;
    }

    internal static string Sync(ProxyStatusDto proxy, string type)
    {
        var t = proxy.Types.FirstOrDefault(x => x.Type == type);
        if (t?.SentVersion is null) return "NOT SENT";
        if (t.NackedVersion == t.SentVersion) return "NACKED";
        return t.AckedVersion == t.SentVersion ? "SYNCED" : "STALE";
    }

    /// <summary>How much configuration the proxy holds, from what it was last sent: its clusters and the encoded size of
    /// all of its resources; a Sidecar's egress hosts are what shrink them.</summary>
    internal static IReadOnlyList<string> ConfigSize(ProxyStatusDto proxy) =>
    [
        Count(proxy, "CDS"),
        proxy.Types.Any(t => t.SentVersion is not null) ? ByteSize.Format(proxy.Types.Sum(t => t.Bytes)) : "-",
    ];

    private static string Count(ProxyStatusDto proxy, string type) =>
        proxy.Types.FirstOrDefault(t => t.Type == type) is { SentVersion: not null } sent ? sent.Resources.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static string Version(ProxyStatusDto proxy) =>
        proxy.Types.FirstOrDefault(t => t.Type == "RDS")?.AckedVersion ?? proxy.Types.FirstOrDefault()?.AckedVersion ?? "-";
}
