using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Time.Testing;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Tests.Tunnels;

public sealed class TunnelPumpTests
{
    /// <summary>A downstream connection whose far end the test holds, and a connected upstream socket pair.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        public Pipe FromClient { get; } = new();
        public Pipe ToClient { get; } = new();
        public DefaultConnectionContext Downstream { get; }
        public Socket Upstream { get; }
        public Socket App { get; }

        private Rig(Socket upstream, Socket app)
        {
            Upstream = upstream;
            App = app;
            Downstream = new DefaultConnectionContext("test", new DuplexPipe(FromClient.Reader, ToClient.Writer), new DuplexPipe(ToClient.Reader, FromClient.Writer));
        }

        public static async Task<Rig> StartAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
            var accept = listener.AcceptSocketAsync();
            await upstream.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
            return new Rig(upstream, await accept);
        }

        public PipeReader UpstreamReader() => PipeReader.Create(new NetworkStream(Upstream, ownsSocket: false));

        public UpstreamConnection UpstreamConnection() => new(Upstream, new NetworkStream(Upstream, ownsSocket: false));

        public ValueTask DisposeAsync()
        {
            Upstream.Dispose();
            App.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_tunnel_that_moves_nothing_is_closed_after_the_idle_timeout()
    {
        await using var rig = await Rig.StartAsync();
        var time = new FakeTimeProvider();
        var pump = new TunnelPump(TimeSpan.FromSeconds(1), time);
        var run = pump.RunAsync(rig.Downstream, rig.UpstreamReader(), rig.UpstreamConnection());
        time.Advance(TimeSpan.FromMilliseconds(750));
        Assert.False(run.IsCompleted);
        for (var i = 0; i < 2; i++) time.Advance(TimeSpan.FromMilliseconds(250));
        await run.WaitAsync(Patience);
        Assert.True(pump.IdledOut);
    }

    [Fact]
    public async Task Traffic_keeps_a_tunnel_open_and_is_counted_each_way()
    {
        await using var rig = await Rig.StartAsync();
        var time = new FakeTimeProvider();
        var pump = new TunnelPump(TimeSpan.FromSeconds(1), time);
        var run = pump.RunAsync(rig.Downstream, rig.UpstreamReader(), rig.UpstreamConnection());
        var buffer = new byte[16];
        for (var i = 0; i < 6; i++)
        {
            await rig.FromClient.Writer.WriteAsync("ping"u8.ToArray());
            Assert.Equal(4, await rig.App.ReceiveAsync(buffer).WaitAsync(Patience));
            await rig.App.SendAsync("pong!"u8.ToArray());
            var back = await rig.ToClient.Reader.ReadAsync().AsTask().WaitAsync(Patience);
            Assert.Equal("pong!", Encoding.ASCII.GetString(back.Buffer.FirstSpan));
            rig.ToClient.Reader.AdvanceTo(back.Buffer.End);
            // 0.4 s between exchanges: 2.4 s in all, more than two idle timeouts, yet never 1 s without traffic.
            time.Advance(TimeSpan.FromMilliseconds(400));
        }
        Assert.False(run.IsCompleted);
        rig.App.Shutdown(SocketShutdown.Both);
        await run.WaitAsync(Patience);
        Assert.False(pump.IdledOut);
        Assert.Equal(24, pump.ReceivedBytes);
        Assert.Equal(30, pump.SentBytes);
    }

    [Fact]
    public async Task A_busy_tunnel_is_closed_at_its_maximum_duration()
    {
        await using var rig = await Rig.StartAsync();
        var time = new FakeTimeProvider();
        var pump = new TunnelPump(TimeSpan.FromSeconds(1), time) { MaxDuration = TimeSpan.FromSeconds(2) };
        var run = pump.RunAsync(rig.Downstream, rig.UpstreamReader(), rig.UpstreamConnection());
        var buffer = new byte[16];
        for (var i = 0; i < 4; i++)
        {
            await rig.FromClient.Writer.WriteAsync("ping"u8.ToArray());
            Assert.Equal(4, await rig.App.ReceiveAsync(buffer).WaitAsync(Patience));
            time.Advance(TimeSpan.FromMilliseconds(400));
        }
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(400));
        await run.WaitAsync(Patience);
        Assert.True(pump.MaxDurationReached);
        Assert.False(pump.IdledOut);
    }
}
