using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Trellis.Cli.Output;

namespace Trellis.Cli.Commands;

/// <summary>`trellis proxy-config listeners|routes|clusters|endpoints|secret POD`: what one proxy is actually
/// running, read from its admin /config_dump (Envoy's JSON shape), like `istioctl proxy-config`; `log` lists or sets its
/// loggers' levels (`--level debug` or `--level config:debug,upstream:info`), `stats` prints its metrics.</summary>
internal static class ProxyConfigCommand
{
    private static readonly Dictionary<string, string> DumpTypes = new()
    {
        ["listeners"] = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
        ["routes"] = "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
        ["clusters"] = "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
        ["endpoints"] = "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump",
        ["secret"] = "type.googleapis.com/envoy.admin.v3.SecretsConfigDump",
    };

    public static Command Create()
    {
        var section = new Argument<string>("section") { Description = "listeners | routes | clusters | endpoints | secret | log | stats" };
        section.AcceptOnlyFromAmong([.. DumpTypes.Keys, "log", "stats"]);
        var target = new Argument<string>("pod") { Description = "POD, deploy/NAME or istio-ingressgateway" };
        var ns = CommonOptions.Namespace();
        var output = CommonOptions.Output();
        var level = new Option<string?>("--level") { Description = "With log: LEVEL for every logger, or LOGGER:LEVEL[,LOGGER:LEVEL] (trace, debug, info, warning, error, critical, off)" };
        var command = new Command("proxy-config", "Show the configuration a proxy is running") { section, target, ns, output, level };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            var name = result.GetValue(target)!;
            if (result.GetValue(section) is "log" or "stats")
            {
                if (ProxyAdmin.Of(home, state, name, result.GetValue(ns)) is not var (port, tokenFile)) return 1;
                var path = result.GetValue(section) == "stats" ? "/stats/prometheus" : "/logging" + LevelQuery(result.GetValue(level));
                var changes = result.GetValue(section) == "log" && result.GetValue(level) is not null;
                if (await ProxyAdmin.CallAsync(name, port, path, changes ? tokenFile : null, ct) is not { } body) return 1;
                Console.Write(body);
                return 0;
            }
            if (ProxyAdmin.PortOf(home, state, name, result.GetValue(ns)) is not { } adminPort) return 1;
            if (await ProxyAdmin.ConfigDumpAsync(name, adminPort, ct) is not { } dump) return 1;
            var kind = result.GetValue(section)!;
            var part = dump["configs"]!.AsArray().FirstOrDefault(c => (string?)c?["@type"] == DumpTypes[kind]);
            var format = result.GetValue(output)!;
            if (format is "json" or "yaml")
            {
                if (format == "json") Console.WriteLine(part?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "{}");
                else Console.Write(Printer.ToYaml(JsonSerializer.SerializeToElement(part)));
                return 0;
            }
            if (kind == "secret") SecretTable.Print(part, DateTimeOffset.UtcNow);
            else ConfigDumpTables.Print(kind, part);
            return 0;
        });
        return command;
    }

    /// <summary>"debug" sets every logger; "config:debug,upstream:info" sets those, as istioctl's --level does.</summary>
    private static string LevelQuery(string? level) => level is null ? "" : "?" + string.Join('&', level.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(part => part.Split(':') is [var logger, var value] ? $"{Uri.EscapeDataString(logger)}={Uri.EscapeDataString(value)}" : $"level={Uri.EscapeDataString(part)}"));
}
