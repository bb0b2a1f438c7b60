namespace Trellis.Samples.Bookinfo.Ratings;

/// <summary>Istio's ratings variants chosen by SERVICE_VERSION; the fault ones exist for resilience demos.</summary>
internal enum RatingsMode
{
    /// <summary>v1: always answers.</summary>
    Normal,
    /// <summary>v-faulty: half the requests get a 503.</summary>
    Faulty,
    /// <summary>v-delayed: half the requests wait 7 seconds.</summary>
    Delayed,
    /// <summary>v-unavailable: alternates a minute of answering with a minute of 503s.</summary>
    Unavailable,
    /// <summary>v-unhealthy: alternates 15 minutes healthy with 15 minutes of 503s and a failing /health.</summary>
    Unhealthy,
}

internal static class RatingsModes
{
    public static RatingsMode Parse(string serviceVersion) => serviceVersion switch
    {
        "v1" => RatingsMode.Normal,
        "v-faulty" => RatingsMode.Faulty,
        "v-delayed" => RatingsMode.Delayed,
        "v-unavailable" => RatingsMode.Unavailable,
        "v-unhealthy" => RatingsMode.Unhealthy,
        _ => throw new ArgumentException(
            $"SERVICE_VERSION '{serviceVersion}' is not a ratings version; use v1, v-faulty, v-delayed, v-unavailable or v-unhealthy"),
    };
}
