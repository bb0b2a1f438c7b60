using System.Globalization;

namespace Trellis.Samples.Bookinfo.Hosting;

/// <summary>Everything a Bookinfo service reads from its environment, with Istio's variable names and defaults.</summary>
/// <param name="Port">Listening port on 127.0.0.1 (<c>PORT</c>, default 9080; 0 picks a free one).</param>
/// <param name="ServiceVersion"><c>SERVICE_VERSION</c>: v1|v2|v3 for reviews, v1 or a fault mode for ratings.</param>
/// <param name="PodName">Reported by reviews as <c>podname</c> (<c>POD_NAME</c>, else <c>HOSTNAME</c>).</param>
/// <param name="ClusterName">Reported by reviews as <c>clustername</c> (<c>CLUSTER_NAME</c>, else "null" as Istio's Java prints it).</param>
/// <param name="DetailsUrl">Base URL of details, <c>http://$DETAILS_HOSTNAME$SERVICES_DOMAIN:$DETAILS_SERVICE_PORT</c>.</param>
/// <param name="ReviewsUrl">Base URL of reviews, built the same way.</param>
/// <param name="RatingsUrl">Base URL of ratings, built the same way.</param>
public sealed record BookinfoSettings(
    int Port,
    string ServiceVersion,
    string PodName,
    string ClusterName,
    Uri DetailsUrl,
    Uri ReviewsUrl,
    Uri RatingsUrl)
{
    /// <summary>Reads the settings through <paramref name="env"/>; throws <see cref="ArgumentException"/> naming the bad variable.</summary>
    public static BookinfoSettings FromEnvironment(Func<string, string?> env)
    {
        var domain = NonEmpty(env("SERVICES_DOMAIN")) is { } d ? "." + d : "";
        return new BookinfoSettings(
            Port: ParsePort(env, "PORT", 9080),
            ServiceVersion: NonEmpty(env("SERVICE_VERSION")) ?? "v1",
            PodName: NonEmpty(env("POD_NAME")) ?? NonEmpty(env("HOSTNAME")) ?? Environment.MachineName,
            ClusterName: NonEmpty(env("CLUSTER_NAME")) ?? "null",
            DetailsUrl: BackendUrl(env, "DETAILS", domain),
            ReviewsUrl: BackendUrl(env, "REVIEWS", domain),
            RatingsUrl: BackendUrl(env, "RATINGS", domain));
    }

    /// <summary>Settings from the process environment.</summary>
    public static BookinfoSettings FromProcessEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    private static Uri BackendUrl(Func<string, string?> env, string service, string domain)
    {
        var host = NonEmpty(env(service + "_HOSTNAME")) ?? service.ToLowerInvariant();
        var port = ParsePort(env, service + "_SERVICE_PORT", 9080);
        if (!Uri.TryCreate($"http://{host}{domain}:{port}/", UriKind.Absolute, out var url) || url.AbsolutePath != "/")
            throw new ArgumentException($"{service}_HOSTNAME '{host}' (with SERVICES_DOMAIN '{domain.TrimStart('.')}') is not a valid host name");
        return url;
    }

    private static int ParsePort(Func<string, string?> env, string name, int fallback)
    {
        var text = NonEmpty(env(name));
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535) return port;
        throw new ArgumentException($"{name} must be a port number between 0 and 65535, got '{text}'");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
