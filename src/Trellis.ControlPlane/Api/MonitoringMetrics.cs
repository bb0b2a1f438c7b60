using System.Globalization;
using System.Text;
using Trellis.Xds;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Api;

/// <summary>The control plane's own metrics in Prometheus text, under istiod's names (its monitoring
/// port serves the same), so existing control-plane dashboards and alerts apply.</summary>
internal static class MonitoringMetrics
{
    private static readonly string[] Types = [TypeUrls.Cluster, TypeUrls.ClusterLoadAssignment, TypeUrls.Listener, TypeUrls.RouteConfiguration];

    public static string Render(XdsConnectionRegistry connections, int services, int virtualServices, long configVersion)
    {
        var text = new StringBuilder(1024);
        Gauge(text, "pilot_xds", "Number of endpoints connected to this pilot using XDS.", "version=\"trellis\"", connections.Snapshot().Count);
        PerType(text, "pilot_xds_pushes", "Pilot build and send errors for lds, rds, cds and eds.", connections.Pushes);
        PerType(text, "pilot_total_xds_rejects", "Total number of XDS responses from pilot rejected by proxy.", connections.Rejects);
        Gauge(text, "pilot_services", "Total services known to pilot.", null, services);
        Gauge(text, "pilot_virt_services", "Total virtual services known to pilot.", null, virtualServices);
        Gauge(text, "trellis_config_version", "Version of the applied configuration; it grows with every accepted apply or delete.", null, configVersion);
        return text.ToString();
    }

    private static void PerType(StringBuilder text, string name, string help, IReadOnlyDictionary<string, long> counts)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var type in Types)
            text.Append(name).Append("{type=\"").Append(TypeUrls.ShortName(type).ToLowerInvariant()).Append("\"} ")
                .Append(counts.GetValueOrDefault(type).ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Gauge(StringBuilder text, string name, string help, string? labels, long value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" gauge\n");
        text.Append(name);
        if (labels is not null) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
