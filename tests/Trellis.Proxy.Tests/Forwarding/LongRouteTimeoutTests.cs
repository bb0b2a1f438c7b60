using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>Envoy takes any route timeout; one beyond what .NET timers take (about 49 days) must mean "never",
/// not an exception on every request.</summary>
public sealed class LongRouteTimeoutTests : IAsyncLifetime
{
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = await Upstream.StartAsync("reviews");
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_route_timeout_of_a_hundred_days_lets_requests_through()
    {
        var route = ToCluster("reviews");
        route.Route_.Timeout = Duration.FromTimeSpan(TimeSpan.FromDays(100));
        route.Route_.RetryPolicy = new RetryPolicy { RetryOn = "5xx", NumRetries = 1, PerTryTimeout = Duration.FromTimeSpan(TimeSpan.FromDays(100)) };
        await _proxy.PushAsync([Eds("reviews")], [Endpoints("reviews", _app.Port)], [Listener("out", _port, "r")], [Routes("r", Host("h", ["*"], route))]);
        using var client = TestProxy.ClientVia(_port);

        Assert.Equal("reviews", await client.GetStringAsync("http://reviews/"));
    }
}
