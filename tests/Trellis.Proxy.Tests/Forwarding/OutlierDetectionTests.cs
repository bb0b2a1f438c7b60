using System.Net;
using Envoy.Config.Cluster.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>A failing endpoint is ejected after its consecutive 5xx answers, and the healthy one serves alone.</summary>
public sealed class OutlierDetectionTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private TestProxy _proxy = null!;
    private Upstream _good = null!;
    private Upstream _bad = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _good = await Upstream.StartAsync("good");
        _bad = await Upstream.StartAsync("bad");
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _good.DisposeAsync();
        await _bad.DisposeAsync();
    }

    [Fact]
    public async Task After_three_503s_the_failing_endpoint_gets_no_more_requests()
    {
        var cluster = Eds(Reviews);
        cluster.OutlierDetection = new OutlierDetection
        {
            Consecutive5Xx = 3,
            EnforcingConsecutive5Xx = 100,
            Interval = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
            BaseEjectionTime = Duration.FromTimeSpan(TimeSpan.FromMinutes(3)),
            MaxEjectionPercent = 100,
        };
        cluster.CommonLbConfig = new Cluster.Types.CommonLbConfig { HealthyPanicThreshold = new global::Envoy.Type.V3.Percent { Value = 0 } };
        await _proxy.PushAsync([cluster], [Endpoints(Reviews, _good.Port, _bad.Port)], [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("reviews", ["reviews:9080"], ToCluster(Reviews)))]);
        _bad.FailNext(1000);
        using var client = TestProxy.ClientVia(_port);

        var failures = 0;
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync("http://reviews:9080/flaky");
            if (response.StatusCode != HttpStatusCode.OK) failures++;
        }
        Assert.Equal(3, failures);
        Assert.Equal(3, _bad.Requests);
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("http://reviews:9080/flaky");
            Assert.Equal("good", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(3, _bad.Requests);
    }
}
