using System.Net;
using System.Net.Sockets;
using Envoy.Config.Cluster.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Outbound.Concrete;

/// <summary>Tunnels report their connects to outlier detection as Envoy's tcp_proxy does: a refused or timed-out
/// connect is a gateway failure, a connection made a success, so an endpoint that takes no tunnels is ejected.</summary>
public sealed class TunnelOutlierDetectionTests : IAsyncLifetime
{
    private const string Echo = "outbound|9000||tcp-echo.default.svc.cluster.local";
    private TestProxy _proxy = null!;
    private LineEchoServer _app = null!;
    private int _closed;
    private int _port;

    public async Task InitializeAsync()
    {
        _app = new LineEchoServer("one");
        _closed = Ports.Free();
        _proxy = await TestProxy.StartAsync();
        _port = Ports.Free();
    }

    private async Task PushAsync(int failingPort, TimeSpan connectTimeout)
    {
        var cluster = Eds(Echo);
        cluster.ConnectTimeout = Duration.FromTimeSpan(connectTimeout);
        cluster.OutlierDetection = new OutlierDetection
        {
            Consecutive5Xx = 0,
            ConsecutiveGatewayFailure = 2,
            EnforcingConsecutiveGatewayFailure = 100,
            Interval = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
            BaseEjectionTime = Duration.FromTimeSpan(TimeSpan.FromMinutes(3)),
            MaxEjectionPercent = 100,
        };
        cluster.CommonLbConfig = new Cluster.Types.CommonLbConfig { HealthyPanicThreshold = new global::Envoy.Type.V3.Percent { Value = 0 } };
        await _proxy.PushAsync([cluster], [Endpoints(Echo, _app.Port, failingPort)], [Listener("virtualOutbound", _port, "outbound", connect: true)],
            [Routes("outbound", Host("tcp-echo", ["tcp-echo:9000"], ConnectTo(Echo, terminate: true)))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_endpoint_refusing_two_tunnels_in_a_row_is_ejected_and_the_rest_take_every_tunnel()
    {
        await PushAsync(_closed, TimeSpan.FromSeconds(2));
        await AssertEjectedAfterTwoFailuresAsync(_closed, "failed");
    }

    [Fact]
    public async Task An_endpoint_whose_connects_time_out_is_ejected_too()
    {
        // A listener that never accepts and whose backlog one connection fills: the kernel drops further SYNs, so connects hang.
        using var silent = new Socket(SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(0);
        var port = ((IPEndPoint)silent.LocalEndPoint!).Port;
        using var filler = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(IPAddress.Loopback, port);
        await PushAsync(port, TimeSpan.FromMilliseconds(300));
        await AssertEjectedAfterTwoFailuresAsync(port, "failed: connect timeout");
    }

    private async Task AssertEjectedAfterTwoFailuresAsync(int failingPort, string reason)
    {
        var refused = 0;
        for (var i = 0; i < 6; i++)
        {
            await using var tunnel = await RawConnect.TunnelAsync(_port, "tcp-echo:9000");
            if (tunnel.Status == 503)
            {
                Assert.Contains($"endpoint 127.0.0.1:{failingPort} {reason}", tunnel.ResponseHead);
                refused++;
            }
        }
        Assert.Equal(2, refused);

        for (var i = 0; i < 10; i++)
        {
            await using var tunnel = await RawConnect.TunnelAsync(_port, "tcp-echo:9000");
            Assert.Equal(200, tunnel.Status);
        }
        var clusters = await _proxy.Admin.GetStringAsync("/clusters");
        Assert.Contains($"{Echo}::127.0.0.1:{failingPort}::health_flags::/failed_outlier_check\n", clusters);
        Assert.Contains($"{Echo}::127.0.0.1:{_app.Port}::health_flags::healthy\n", clusters);
    }
}
