using Trellis.Proxy.Bootstrap;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Proxy identities for tests that compute telemetry without a running proxy.</summary>
internal static class TestIdentities
{
    /// <summary>The sidecar of Bookinfo's reviews-v1 pod.</summary>
    public static OwnIdentity ReviewsV1 { get; } = OwnIdentity.From(new ProxyOptions("sidecar~127.0.0.1~reviews-v1-0.bookinfo~bookinfo.svc.cluster.local",
        new Uri("http://127.0.0.1:1"), 0, "bookinfo", "reviews-v1-0", "reviews-v1", "bookinfo-reviews",
        new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v1" }, new Dictionary<string, string>()));
}
