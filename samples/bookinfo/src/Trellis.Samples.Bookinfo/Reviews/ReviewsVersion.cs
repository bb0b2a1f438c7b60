namespace Trellis.Samples.Bookinfo.Reviews;

/// <summary>How a reviews version behaves: v1 shows no stars; v2 black stars and v3 red stars, both from ratings.
/// The ratings timeouts are Istio's (10 s for black, 2.5 s for red), which its timeout demos rely on.</summary>
internal sealed record ReviewsVersion(string Name, bool RatingsEnabled, string StarColor, TimeSpan RatingsTimeout)
{
    public static ReviewsVersion Parse(string serviceVersion) => serviceVersion switch
    {
        "v1" => new("v1", false, "black", TimeSpan.Zero),
        "v2" => new("v2", true, "black", TimeSpan.FromSeconds(10)),
        "v3" => new("v3", true, "red", TimeSpan.FromMilliseconds(2500)),
        _ => throw new ArgumentException($"SERVICE_VERSION '{serviceVersion}' is not a reviews version; use v1, v2 or v3"),
    };
}
