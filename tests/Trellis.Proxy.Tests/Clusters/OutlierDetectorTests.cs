using Microsoft.Extensions.Time.Testing;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.Tests.Clusters;

public sealed class OutlierDetectorTests
{
    private static readonly EndpointModel A = new("127.0.0.1", 9001, true, 1, null);
    private static readonly EndpointModel B = new("127.0.0.1", 9002, true, 1, null);
    private readonly FakeTimeProvider _time = new();

    private static OutlierSettings Settings(uint consecutive5xx = 5, uint gateway = 5, uint enforcingGateway = 0, uint maxEjectionPercent = 50, double panic = 0) =>
        new(consecutive5xx, 100, gateway, enforcingGateway, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), maxEjectionPercent, panic);

    private OutlierDetector Detector(OutlierSettings settings) => new(settings, [A, B], _time);

    /// <summary>The ports of the endpoints the balancer may pick from.</summary>
    private static int[] Available(OutlierDetector detector) => detector.Available.Select(e => e.Port).Order().ToArray();

    private static void Fail(OutlierDetector detector, EndpointModel endpoint, int times, int? status = 500)
    {
        for (var i = 0; i < times; i++) detector.Report(endpoint, status);
    }

    [Fact]
    public void Five_consecutive_5xx_eject_an_endpoint_and_traffic_goes_to_the_rest()
    {
        var detector = Detector(Settings());
        Fail(detector, A, 4);
        Assert.Equal([9001, 9002], Available(detector));
        Fail(detector, A, 1);
        Assert.True(detector.IsEjected(A));
        Assert.Equal([9002], Available(detector));
    }

    [Fact]
    public void A_success_resets_the_count_and_no_answer_counts_as_a_failure()
    {
        var detector = Detector(Settings());
        Fail(detector, A, 4);
        detector.Report(A, 200);
        Fail(detector, A, 4, status: null);
        Assert.Equal([9001, 9002], Available(detector));
        Fail(detector, A, 1, status: null);
        Assert.Equal([9002], Available(detector));
    }

    [Fact]
    public void An_ejected_endpoint_returns_after_the_base_ejection_time_and_a_second_ejection_lasts_twice_as_long()
    {
        var detector = Detector(Settings());
        Fail(detector, A, 5);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal([9002], Available(detector));
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal([9001, 9002], Available(detector));

        Fail(detector, A, 5);
        _time.Advance(TimeSpan.FromSeconds(41));
        Assert.Equal([9002], Available(detector));
        _time.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal([9001, 9002], Available(detector));
    }

    [Fact]
    public void No_endpoint_is_ejected_beyond_max_ejection_percent()
    {
        // Envoy's default of 10% never ejects one of two endpoints (50%).
        var detector = Detector(Settings(maxEjectionPercent: 10));
        Fail(detector, A, 10);
        Assert.Equal([9001, 9002], Available(detector));

        var half = Detector(Settings(maxEjectionPercent: 50));
        Fail(half, A, 5);
        Fail(half, B, 5);
        Assert.Equal([9002], Available(half));
    }

    [Fact]
    public void Gateway_failures_count_only_502_503_504_and_eject_only_when_enforced()
    {
        var notEnforced = Detector(Settings(consecutive5xx: 0, gateway: 3));
        Fail(notEnforced, A, 5, status: 503);
        Assert.Equal([9001, 9002], Available(notEnforced));

        var enforced = Detector(Settings(consecutive5xx: 0, gateway: 3, enforcingGateway: 100));
        Fail(enforced, A, 5, status: 500);
        Assert.Equal([9001, 9002], Available(enforced));
        Fail(enforced, A, 3, status: 503);
        Assert.Equal([9002], Available(enforced));
    }

    [Fact]
    public void Below_the_panic_threshold_every_endpoint_takes_traffic()
    {
        var withPanic = Detector(Settings(maxEjectionPercent: 100, panic: 60));
        Fail(withPanic, A, 5);
        // One of two left is 50%, under the 60% threshold.
        Assert.Equal([9001, 9002], Available(withPanic));
        Assert.True(withPanic.IsEjected(A));

        var without = Detector(Settings(maxEjectionPercent: 100, panic: 0));
        Fail(without, A, 5);
        Fail(without, B, 5);
        Assert.Empty(Available(without));
    }

    [Fact]
    public void An_endpoint_update_keeps_what_the_detector_knew()
    {
        var detector = Detector(Settings());
        Fail(detector, A, 5);
        var c = new EndpointModel("127.0.0.1", 9003, true, 1, null);
        detector.Update([A with { Weight = 2 }, B, c]);
        Assert.True(detector.IsEjected(A));
        Assert.Equal([9002, 9003], Available(detector));
    }

    [Fact]
    public void The_view_is_the_same_array_until_something_changes()
    {
        var detector = Detector(Settings());
        var before = detector.Available;
        Fail(detector, A, 4);
        Assert.Same(before, detector.Available);
        Fail(detector, A, 1);
        Assert.NotSame(before, detector.Available);
    }
}
