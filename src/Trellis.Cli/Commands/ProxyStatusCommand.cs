using System.CommandLine;
using Trellis.Cli.Output;
using Trellis.ControlPlane.Api;
using Trellis.LocalMode;

namespace Trellis.Cli.Commands;

/// <summary>`trellis proxy-status`: like istioctl's — per proxy and xDS type, SYNCED, STALE, NACKED or NOT SENT.</summary>
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
            Printer.Table(["name", "type", .. Types, "version"], proxies.OrderBy(p => p.Namespace).ThenBy(p => p.Pod).Select(p =>
                (IReadOnlyList<string>)[$"{p.Pod}.{p.Namespace}", p.Type, .. Types.Select(t => Sync(p, t)), Version(p)]));
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

    private static string Version(ProxyStatusDto proxy) =>
        proxy.Types.FirstOrDefault(t => t.Type == "RDS")?.AckedVersion ?? proxy.Types.FirstOrDefault()?.AckedVersion ?? "-";
}
