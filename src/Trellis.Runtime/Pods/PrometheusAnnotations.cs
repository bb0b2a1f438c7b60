using System.Globalization;

namespace Trellis.Runtime;

/// <summary>The prometheus.io/scrape, /port and /path annotations a pod declares for its app's own metrics, which
/// the sidecar merges into its Prometheus endpoint as Istio's agent does.</summary>
public static class PrometheusAnnotations
{
    public const string Scrape = "prometheus.io/scrape";
    public const string Port = "prometheus.io/port";
    public const string Path = "prometheus.io/path";

    /// <summary>Where the app serves its metrics on loopback; null when the pod does not ask to be scraped. The port is a
    /// container port, mapped to the port the app really listens on ($PORT) when the template declares it; without the
    /// annotation it is the app's port. The path defaults to /metrics, as Prometheus's.</summary>
    /// <exception cref="FormatException">The port or path annotation is not one Prometheus would accept.</exception>
    public static Uri? AppTarget(PodState pod)
    {
        var annotations = pod.Annotations;
        if (annotations is null || !annotations.TryGetValue(Scrape, out var scrape) || !string.Equals(scrape, "true", StringComparison.OrdinalIgnoreCase))
            return null;
        var port = pod.AppPort;
        if (annotations.TryGetValue(Port, out var text))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var declared) || declared is < 1 or > 65535)
                throw new FormatException($"pod {pod.Namespace}/{pod.Name}: annotation {Port}: \"{text}\" is not a port number (1-65535)");
            port = pod.ContainerPorts.FirstOrDefault(m => m.ContainerPort == declared)?.AppPort ?? declared;
        }
        var path = annotations.TryGetValue(Path, out var p) && p.Length > 0 ? p : "/metrics";
        if (!path.StartsWith('/') || !Uri.TryCreate($"http://127.0.0.1:{port}{path}", UriKind.Absolute, out var uri))
            throw new FormatException($"pod {pod.Namespace}/{pod.Name}: annotation {Path}: \"{path}\" is not an absolute URL path");
        return uri;
    }
}
