using System.Globalization;
using System.Text;

namespace Trellis.Bench.CpScale;

/// <summary>The run's figures as a markdown table, each target of issue 11 beside the figure it constrains.</summary>
internal static class ScaleReport
{
    private static readonly TimeSpan PushTarget = TimeSpan.FromSeconds(1);
    private const long RssTarget = 512L * 1024 * 1024;

    public static string Render(ScaleFigures f)
    {
        var s = new StringBuilder();
        Line(s, $"### cp-scale: {f.Mesh.Services} services, {f.Proxies} simulated proxies{(f.Mesh.NamespaceSidecars ? ", a namespace-local Sidecar in every namespace" : "")}");
        Line(s, "");
        Line(s, "| figure | value | target |");
        Line(s, "|---|---|---|");
        Row(s, $"config applied ({f.ObjectsApplied} objects)", Seconds(f.LoadTime));
        Row(s, $"connect storm: proxies that ACKed a full config (LDS, CDS, RDS, EDS)", $"{f.Synced}/{f.Proxies}");
        Row(s, "connect storm: time until all had", f.Synced == f.Proxies ? Seconds(f.Storm.Elapsed) : $"not all: {f.Synced} within {Seconds(f.Storm.Elapsed)}");
        Row(s, "connect storm: control plane CPU", Seconds(f.Storm.ControlPlaneCpu));
        Row(s, "streams re-opened after the control plane could not be reached", f.Reconnects.ToString(CultureInfo.InvariantCulture));
        Row(s, "connect storm: pushed", Pushed(f.Storm, Math.Max(1, f.Synced)));
        if (f.Change is { } c)
        {
            Row(s, "VirtualService change: the apply call", Millis(c.Apply));
            Row(s, "VirtualService change: proxies that ACKed a new version", $"{c.Affected}/{f.Proxies}");
            Row(s, "VirtualService change: until ACKed, p50 / p99 / max", $"{Millis(c.P50)} / {Millis(c.P99)} / {Millis(c.Max)}",
                $"p99 ≤ 1 s: {Verdict(c.Affected > 0 && c.P99 <= PushTarget)}");
            Row(s, "VirtualService change: control plane CPU", Seconds(c.Phase.ControlPlaneCpu));
            Row(s, "VirtualService change: pushed", Pushed(c.Phase, Math.Max(1, c.Affected)));
        }
        else
        {
            Row(s, "VirtualService change", "not measured: the run stopped before it", "p99 ≤ 1 s: **missed**");
        }
        Row(s, "control plane RSS: config loaded, no proxies / after the storm / after the change",
            $"{Mb(f.IdleRssBytes)} / {Mb(f.RssAfterStormBytes)} / {Mb(f.RssAfterChangeBytes)}");
        Row(s, "control plane RSS: peak", Mb(f.PeakRssBytes), $"≤ 0.5 GB: {Verdict(f.PeakRssBytes <= RssTarget)}");
        Row(s, "harness CPU (the simulated proxies, on the same cores)", Seconds(f.HarnessCpu));
        if (f.Aborted is not null)
        {
            Line(s, "");
            Line(s, $"The run {f.Aborted}.");
        }
        if (f.Failures.Count > 0)
        {
            Line(s, "");
            Line(s, $"{f.Failures.Count} stream(s) failed; first: {f.Failures[0]}");
        }
        return s.ToString();
    }

    private static string Verdict(bool met) => met ? "met" : "**missed**";

    private static string Pushed(PhaseFigures p, int per) =>
        $"{Mb(p.Pushed.Bytes)} in {p.Pushed.Responses.ToString(CultureInfo.InvariantCulture)} responses ({Kb(p.Pushed.Bytes / per)} per proxy: "
        + string.Join(", ", p.Pushed.BytesByType.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {Kb(kv.Value / per)}")) + ")";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
    private static string Millis(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
    private static string Mb(long bytes) => (bytes / 1024.0 / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
    private static string Kb(long bytes) => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB";

    private static void Row(StringBuilder s, string figure, string value, string target = "") => Line(s, $"| {figure} | {value} | {target} |");

    private static void Line(StringBuilder s, string text) => s.Append(text).Append('\n');
}
