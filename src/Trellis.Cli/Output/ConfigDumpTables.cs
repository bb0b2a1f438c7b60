using System.Text.Json.Nodes;

namespace Trellis.Cli.Output;

/// <summary>Summaries of an Envoy config dump in the columns `istioctl proxy-config` shows.</summary>
internal static class ConfigDumpTables
{
    public static void Print(string kind, JsonNode? part)
    {
        switch (kind)
        {
            case "listeners":
                Printer.Table(["name", "address", "port", "direction", "version"], Items(part, "dynamic_listeners").Select(l =>
                {
                    var listener = l?["active_state"]?["listener"];
                    var socket = listener?["address"]?["socket_address"];
                    var address = listener?["internal_listener"] is not null ? "(internal)" : S(socket?["address"]);
                    return (IReadOnlyList<string>)[S(l?["name"]), address, S(socket?["port_value"]), S(listener?["traffic_direction"], "-"), S(l?["active_state"]?["version_info"])];
                }));
                break;
            case "routes":
                Printer.Table(["name", "virtual host", "domains", "match", "action"], Items(part, "dynamic_route_configs").SelectMany(rc =>
                {
                    var config = rc?["route_config"];
                    return (config?["virtual_hosts"]?.AsArray() ?? []).SelectMany(vh => (vh?["routes"]?.AsArray() ?? []).Select(r =>
                        (IReadOnlyList<string>)[S(config?["name"]), S(vh?["name"]), Domains(vh), Match(r), Action(r)]));
                }));
                break;
            case "clusters":
                Printer.Table(["name", "type", "lb policy", "version"], Items(part, "dynamic_active_clusters").Select(c =>
                    (IReadOnlyList<string>)[S(c?["cluster"]?["name"]), S(c?["cluster"]?["type"], "EDS"), S(c?["cluster"]?["lb_policy"], "ROUND_ROBIN"), S(c?["version_info"])]));
                break;
            case "endpoints":
                Printer.Table(["endpoint", "status", "cluster"], Items(part, "dynamic_endpoint_configs").SelectMany(e =>
                {
                    var cla = e?["endpoint_config"];
                    return (cla?["endpoints"]?.AsArray() ?? []).SelectMany(l => (l?["lb_endpoints"]?.AsArray() ?? []).Select(lb =>
                    {
                        var address = lb?["endpoint"]?["address"];
                        var endpoint = address?["envoy_internal_address"]?["server_listener_name"] is { } internalListener
                            ? $"internal:{internalListener}"
                            : $"{S(address?["socket_address"]?["address"])}:{S(address?["socket_address"]?["port_value"])}";
                        return (IReadOnlyList<string>)[endpoint, S(lb?["health_status"], "HEALTHY"), S(cla?["cluster_name"])];
                    }));
                }));
                break;
        }
    }

    private static IEnumerable<JsonNode?> Items(JsonNode? part, string name) => part?[name]?.AsArray() ?? [];

    private static string S(JsonNode? node, string fallback = "") => node?.ToString() ?? fallback;

    private static string Domains(JsonNode? vh)
    {
        var domains = vh?["domains"]?.AsArray().Select(d => d?.ToString() ?? "").ToList() ?? [];
        return domains.Count <= 2 ? string.Join(",", domains) : $"{domains[0]} +{domains.Count - 1} more";
    }

    private static string Match(JsonNode? route)
    {
        var m = route?["match"];
        var path = m?["connect_matcher"] is not null ? "CONNECT"
            : m?["path"] is { } p ? $"{p} (exact)" : m?["safe_regex"]?["regex"] is { } r ? $"{r} (regex)" : $"{S(m?["prefix"], "/")}*";
        var headers = m?["headers"]?.AsArray().Count ?? 0;
        return headers > 0 ? $"{path} +{headers} header(s)" : path;
    }

    private static string Action(JsonNode? route)
    {
        var r = route?["route"];
        if (r?["cluster"] is { } c) return c.ToString();
        if (r?["weighted_clusters"]?["clusters"]?.AsArray() is { } wc)
            return string.Join(" ", wc.Select(w => $"{S(w?["name"])}={S(w?["weight"])}"));
        if (route?["direct_response"] is { } d) return $"direct {S(d["status"])}";
        if (route?["redirect"] is not null) return "redirect";
        return "-";
    }
}
