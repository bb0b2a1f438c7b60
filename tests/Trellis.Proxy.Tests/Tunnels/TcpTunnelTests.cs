using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Tunnels;

/// <summary>client --CONNECT--> client sidecar (forwards the CONNECT) --> server sidecar (terminates it)
/// --> raw TCP app: what an app behind HTTP_PROXY does to reach a TCP service in the mesh.</summary>
public sealed class TcpTunnelTests : IAsyncLifetime
{
    private const string Service = "tcp-echo.default.svc.cluster.local";
    private const string Outbound = "outbound|9000||" + Service;
    private TestProxy _client = null!;
    private TestProxy _server = null!;
    private LineEchoServer _app = null!;
    private int _outbound;
    private int _inbound;

    public async Task InitializeAsync()
    {
        _app = new LineEchoServer("one");
        _client = await TestProxy.StartAsync();
        _server = await TestProxy.StartAsync("sidecar~127.0.0.1~tcp-echo-v1-0.default~default.svc.cluster.local");
        _inbound = Ports.Free();
        _outbound = Ports.Free();
        await _server.PushAsync([Eds("inbound|9000||", serviceHost: Service)], [Endpoints("inbound|9000||", _app.Port)],
            [Listener("virtualInbound", _inbound, "inbound", TrafficDirection.Inbound, connect: true)],
            [Routes("inbound", Host("inbound", ["*"], ConnectTo("inbound|9000||", terminate: true), ToCluster("inbound|9000||")))]);
        await _client.PushAsync([Eds(Outbound, serviceHost: Service)], [EndpointsWith(Outbound, (_inbound, "tcp-echo-v1;default;tcp-echo;v1;Kubernetes"))],
            [Listener("virtualOutbound", _outbound, "outbound", connect: true)],
            [Routes("outbound", Host("tcp-echo", ["tcp-echo:9000"], ConnectTo(Outbound, terminate: false)))]);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Bytes_flow_both_ways_and_a_half_close_reaches_the_app()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_outbound, "tcp-echo:9000");
        Assert.Equal(200, tunnel.Status);
        using var reader = new StreamReader(tunnel.Stream, leaveOpen: true);
        await tunnel.SendAsync("hello\n");
        Assert.Equal("one hello", await tunnel.ReadLineAsync(reader));
        await tunnel.SendAsync("world\n");
        Assert.Equal("one world", await tunnel.ReadLineAsync(reader));
        tunnel.HalfClose();
        Assert.Equal("bye", await tunnel.ReadLineAsync(reader));
        Assert.Null(await tunnel.ReadLineAsync(reader));
    }

    [Fact]
    public async Task Both_sidecars_count_the_connection_and_its_bytes()
    {
        await using (var tunnel = await RawConnect.TunnelAsync(_outbound, "tcp-echo:9000"))
        {
            await tunnel.SendAsync("ping\n");
            tunnel.HalfClose();
            Assert.Equal("one ping\nbye\n", await tunnel.ReadToEndAsync());
        }
        var source = await WaitForSeriesAsync(_client, "istio_tcp_connections_closed_total");
        Assert.Contains("reporter=\"source\"", source);
        Assert.Contains($"destination_service=\"{Service}\"", source);
        Assert.Contains("destination_workload=\"tcp-echo-v1\"", source);
        Assert.Contains("request_protocol=\"tcp\"", source);
        Assert.EndsWith(" 1", source);
        var destination = await WaitForSeriesAsync(_server, "istio_tcp_connections_closed_total");
        Assert.Contains("reporter=\"destination\"", destination);
        Assert.Contains("source_workload=\"productpage-v1\"", destination);
        Assert.Contains("destination_service_name=\"tcp-echo\"", destination);
        var stats = await _client.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains(stats.Split('\n'), l => l.StartsWith("istio_tcp_received_bytes_total{", StringComparison.Ordinal) && l.EndsWith(" 5"));
        Assert.Contains(stats.Split('\n'), l => l.StartsWith("istio_tcp_sent_bytes_total{", StringComparison.Ordinal) && l.EndsWith(" 13"));
    }

    [Fact]
    public async Task The_app_never_sees_the_peer_metadata_or_the_connect()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_outbound, "tcp-echo:9000");
        await tunnel.SendAsync("first line\n");
        tunnel.HalfClose();
        Assert.Equal("one first line\nbye\n", await tunnel.ReadToEndAsync());
    }

    [Fact]
    public async Task An_unreachable_app_is_a_503_with_the_reason()
    {
        await using var app = new LineEchoServer("gone");
        var port = app.Port;
        await app.DisposeAsync();
        await _server.PushAsync([Eds("inbound|9000||", serviceHost: Service)], [Endpoints("inbound|9000||", port)],
            [Listener("virtualInbound", _inbound, "inbound", TrafficDirection.Inbound, connect: true)],
            [Routes("inbound", Host("inbound", ["*"], ConnectTo("inbound|9000||", terminate: true)))]);
        await using var tunnel = await RawConnect.TunnelAsync(_outbound, "tcp-echo:9000");
        Assert.Equal(503, tunnel.Status);
        Assert.Contains("x-trellis-reason: listener virtualInbound: route terminate: cluster inbound|9000|| endpoint 127.0.0.1:" + port + " failed", tunnel.ResponseHead);
    }

    [Fact]
    public async Task The_routes_idle_timeout_closes_a_silent_tunnel()
    {
        var route = ConnectTo(Outbound, terminate: false);
        route.Route_.IdleTimeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300));
        await _client.PushAsync([Eds(Outbound, serviceHost: Service)], [EndpointsWith(Outbound, (_inbound, "tcp-echo-v1;default;tcp-echo;v1;Kubernetes"))],
            [Listener("virtualOutbound", _outbound, "outbound", connect: true)], [Routes("outbound", Host("tcp-echo", ["tcp-echo:9000"], route))]);
        await using var silent = await RawConnect.TunnelAsync(_outbound, "tcp-echo:9000");
        Assert.Equal(200, silent.Status);
        Assert.Equal("", await silent.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_routes_max_stream_duration_closes_a_busy_tunnel()
    {
        var route = ConnectTo(Outbound, terminate: false);
        route.Route_.MaxStreamDuration = new global::Envoy.Config.Route.V3.RouteAction.Types.MaxStreamDuration { MaxStreamDuration_ = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(600)) };
        await _client.PushAsync([Eds(Outbound, serviceHost: Service)], [EndpointsWith(Outbound, (_inbound, "tcp-echo-v1;default;tcp-echo;v1;Kubernetes"))],
            [Listener("virtualOutbound", _outbound, "outbound", connect: true)], [Routes("outbound", Host("tcp-echo", ["tcp-echo:9000"], route))]);
        await using var busy = await RawConnect.TunnelAsync(_outbound, "tcp-echo:9000");
        Assert.Equal(200, busy.Status);
        var (answered, lasted) = await LineEchoServer.PingUntilClosedAsync(busy.Stream, "one");
        Assert.True(answered >= 2, $"only {answered} pings were answered before the tunnel closed");
        Assert.InRange(lasted, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(9));
    }

    private static async Task<string> WaitForSeriesAsync(TestProxy proxy, string metric)
    {
        for (var i = 0; i < 50; i++)
        {
            var stats = await proxy.Admin.GetStringAsync("/stats/prometheus");
            var line = stats.Split('\n').FirstOrDefault(l => l.StartsWith(metric + "{", StringComparison.Ordinal));
            if (line is not null) return line;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"{metric} never appeared");
    }
}
