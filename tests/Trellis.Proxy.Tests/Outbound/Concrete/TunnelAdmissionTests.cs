using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Outbound.Concrete;

/// <summary>A tunnel holds one of its cluster's max_connections for as long as it is open, as Envoy's tcp_proxy counts
/// upstream connections: one beyond the limit is refused at once (503, flag UO) and counted in upstream_cx_overflow.</summary>
public sealed class TunnelAdmissionTests : IAsyncLifetime
{
    private const string Echo = "outbound|9000||tcp-echo.default.svc.cluster.local";
    private TestProxy _proxy = null!;
    private LineEchoServer _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _app = new LineEchoServer("one");
        _proxy = await TestProxy.StartAsync();
        _port = Ports.Free();
        var cluster = Eds(Echo);
        cluster.CircuitBreakers = new CircuitBreakers { Thresholds = { new CircuitBreakers.Types.Thresholds { MaxConnections = 1 } } };
        await _proxy.PushAsync([cluster], [Endpoints(Echo, _app.Port)], [Listener("virtualOutbound", _port, "outbound", connect: true)],
            [Routes("outbound", Host("tcp-echo", ["tcp-echo:9000"], ConnectTo(Echo, terminate: true)))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task With_max_connections_1_a_second_concurrent_tunnel_overflows_and_one_after_the_first_closes_works()
    {
        await using (var first = await RawConnect.TunnelAsync(_port, "tcp-echo:9000"))
        {
            Assert.Equal(200, first.Status);
            using var reader = new StreamReader(first.Stream, leaveOpen: true);
            await first.SendAsync("hello\n");
            Assert.Equal("one hello", await first.ReadLineAsync(reader));

            await using var second = await RawConnect.TunnelAsync(_port, "tcp-echo:9000");
            Assert.Equal(503, second.Status);
            Assert.Contains($"cluster {Echo} is at its circuit breaker limit (max_connections 1)", second.ResponseHead);
            Assert.Equal(1, _app.Connections);
            var stats = await _proxy.Admin.GetStringAsync("/stats/prometheus");
            Assert.Contains($"envoy_cluster_upstream_cx_overflow{{envoy_cluster_name=\"{Echo}\"}} 1\n", stats);

            first.HalfClose();
            Assert.Equal("bye", await first.ReadLineAsync(reader));
        }

        await using var third = await EventuallyAdmittedAsync();
        await third.SendAsync("again\n");
        third.HalfClose();
        Assert.Equal("one again\nbye\n", await third.ReadToEndAsync());
    }

    /// <summary>The first tunnel's slot is given back once its pump has wound down, a moment after its client saw "bye".</summary>
    private async Task<RawConnect> EventuallyAdmittedAsync()
    {
        for (var i = 0; ; i++)
        {
            var tunnel = await RawConnect.TunnelAsync(_port, "tcp-echo:9000");
            if (tunnel.Status == 200 || i == 50) return tunnel;
            await tunnel.DisposeAsync();
            await Task.Delay(100);
        }
    }
}
