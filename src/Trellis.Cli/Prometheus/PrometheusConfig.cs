using System.Globalization;

namespace Trellis.Cli.Prometheus;

/// <summary>The prometheus.yml `trellis dashboard prometheus` writes: one job that finds every scrape target through
/// the control plane's HTTP service discovery, scraping every few seconds so a dashboard shows traffic at once.</summary>
internal static class PrometheusConfig
{
    public const string JobName = "trellis-mesh";

    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(5);

    /// <summary>The YAML text; <paramref name="discoveryUrl"/> is the control plane's http_sd endpoint.</summary>
    public static string Render(Uri discoveryUrl)
    {
        var interval = Seconds(ScrapeInterval);
        // Each target group's labels (namespace, pod, app, version) become target labels and so land on every series;
        // the relabeling states that contract explicitly, so a Prometheus that rewrites labels elsewhere keeps them.
        return $"""
            # Written by `trellis dashboard prometheus`; rewritten each time it starts.
            global:
              scrape_interval: {interval}
              scrape_timeout: {Seconds(ScrapeInterval - TimeSpan.FromSeconds(1))}
              evaluation_interval: {interval}
            scrape_configs:
              - job_name: {JobName}
                http_sd_configs:
                  - url: {discoveryUrl}
                    refresh_interval: {interval}
                relabel_configs:
                  - source_labels: [namespace]
                    target_label: namespace
                  - source_labels: [pod]
                    target_label: pod
                  - source_labels: [app]
                    target_label: app
                  - source_labels: [version]
                    target_label: version

            """;
    }

    private static string Seconds(TimeSpan span) => ((int)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
}
