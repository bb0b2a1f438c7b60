using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>Peer headers are decoded once per distinct value and stripped from every request.</summary>
public class PeerMetadataTests
{
    private static HeaderDictionary Headers(string encoded) => new()
    {
        [PeerMetadata.Header] = encoded,
        [PeerMetadata.IdHeader] = "sidecar~127.0.0.1~x~y",
    };

    [Fact]
    public void A_repeated_header_yields_the_same_identity_and_is_stripped_each_time()
    {
        var encoded = PeerMetadata.Encode("bookinfo", "productpage-v1", "productpage-v1-0", "bookinfo-productpage",
            new Dictionary<string, string> { ["app"] = "productpage", ["version"] = "v1" });
        var first = Headers(encoded);
        var second = Headers(encoded);

        var a = PeerMetadata.TakeFrom(first);
        var b = PeerMetadata.TakeFrom(second);

        Assert.NotNull(a);
        Assert.Same(a, b);
        Assert.Equal(("productpage-v1", "bookinfo", "productpage", "v1"), (a.Workload, a.Namespace, a.App, a.Version));
        Assert.Empty(first);
        Assert.Empty(second);
    }

    [Fact]
    public void Different_headers_yield_different_identities()
    {
        var ratings = PeerMetadata.TakeFrom(Headers(PeerMetadata.Encode("bookinfo", "ratings-v1", "ratings-v1-0", "", new Dictionary<string, string>())));
        var details = PeerMetadata.TakeFrom(Headers(PeerMetadata.Encode("bookinfo", "details-v1", "details-v1-0", "", new Dictionary<string, string>())));

        Assert.Equal("ratings-v1", ratings?.Workload);
        Assert.Equal("details-v1", details?.Workload);
    }

    [Fact]
    public void A_malformed_header_yields_no_identity_every_time()
    {
        Assert.Null(PeerMetadata.TakeFrom(Headers("not base64!")));
        Assert.Null(PeerMetadata.TakeFrom(Headers("not base64!")));
    }
}
