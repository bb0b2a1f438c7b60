using Envoy.Config.Core.V3;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.AccessLogs;

/// <summary>client --CONNECT--> client sidecar --> server sidecar --> raw TCP app: the tunnel is one completion, logged
/// once when it closes with the bytes it carried, as Envoy's connection manager logs a CONNECT stream.</summary>
public sealed class TunnelAccessLogTests : IAsyncLifetime
{
    private const string Service = "tcp-echo.default.svc.cluster.local";
    private const string Outbound = "outbound|9000||" + Service;
    private const string Format = "%REQ(:METHOD)% %REQ(:AUTHORITY)% %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %UPSTREAM_CLUSTER% %UPSTREAM_HOST% %UPSTREAM_LOCAL_ADDRESS%\n";
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"trellis-tunnel-{Guid.NewGuid():N}.log");
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
            [Routes("inbound", Host("inbound", ["*"], ConnectTo("inbound|9000||", terminate: true)))]);
        await _client.PushAsync([Eds(Outbound, serviceHost: Service)], [EndpointsWith(Outbound, (_inbound, "tcp-echo-v1;default;tcp-echo;v1;Kubernetes"))],
            [Listener("virtualOutbound", _outbound, "outbound", connect: true).WithAccessLogs(AccessLogConfigs.File(_log, Format))],
            [Routes("outbound", Host("tcp-echo", ["tcp-echo:9000"], ConnectTo(Outbound, terminate: false)))]);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _app.DisposeAsync();
        File.Delete(_log);
    }

    [Fact]
    public async Task A_tunnel_is_logged_once_with_its_bytes()
    {
        await using (var tunnel = await RawConnect.TunnelAsync(_outbound, "tcp-echo:9000"))
        {
            await tunnel.SendAsync("ping\n");
            tunnel.HalfClose();
            Assert.Equal("one ping\nbye\n", await tunnel.ReadToEndAsync());
        }

        var line = Assert.Single(await AccessLogConfigs.LinesAsync(_log, 1));
        Assert.True(line.StartsWith($"CONNECT tcp-echo:9000 200 - 5 13 {Outbound} 127.0.0.1:{_inbound} 127.0.0.1:", StringComparison.Ordinal), line);
        // The upstream local address is the client sidecar's end of the connection it dialed: a port of its own.
        Assert.InRange(int.Parse(line[(line.LastIndexOf(':') + 1)..]), 1, 65535);
        await Task.Delay(200);
        Assert.Single(await AccessLogConfigs.LinesAsync(_log, 1));
    }

    [Fact]
    public async Task A_refused_tunnel_is_logged_with_its_reply_and_counts_no_tcp_connection()
    {
        await using (var tunnel = await RawConnect.TunnelAsync(_outbound, "elsewhere:9000"))
            Assert.Equal(404, tunnel.Status);

        Assert.Equal("CONNECT elsewhere:9000 404 NR 0 0 - - -", Assert.Single(await AccessLogConfigs.LinesAsync(_log, 1)));
        Assert.DoesNotContain("istio_tcp_connections_opened_total{", await _client.Admin.GetStringAsync("/stats/prometheus"));
    }
}
