using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Trellis.Proxy.Tests.Grpc;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.AccessLogs;

/// <summary>Counting a request's body bytes for the access log must not change how it streams: a bidirectional gRPC
/// call still answers message by message, and its line shows HTTP/2 and the bytes both ways.</summary>
public sealed class GrpcAccessLogTests : IAsyncLifetime
{
    private const string Cluster = "outbound|9090||echo.default.svc.cluster.local";
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"trellis-grpc-{Guid.NewGuid():N}.log");
    private TestProxy _proxy = null!;
    private Upstream _upstream = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _upstream = await Upstream.StartAsync("echo", app => app.MapGrpcService<EchoService>(), services => services.AddGrpc());
        _port = Ports.Free();
        await _proxy.PushAsync([Eds(Cluster, http2: true)], [Endpoints(Cluster, _upstream.Port)],
            [Listener("virtualOutbound", _port, "outbound").WithAccessLogs(AccessLogConfigs.File(_log, "%PROTOCOL% %RESPONSE_CODE% %BYTES_RECEIVED% %BYTES_SENT% %REQ(:PATH)%\n"))],
            [Routes("outbound", Host("echo", ["echo:9090"], ToCluster(Cluster)))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _upstream.DisposeAsync();
        File.Delete(_log);
    }

    [Fact]
    public async Task A_bidirectional_stream_still_streams_and_is_logged_with_its_bytes()
    {
        using var channel = GrpcChannel.ForAddress("http://echo:9090", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                UseProxy = false,
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(System.Net.IPAddress.Loopback, _port, ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                },
            },
        });
        using (var call = new Echo.EchoClient(channel).Chat())
        {
            foreach (var word in new[] { "one", "two", "three" })
            {
                await call.RequestStream.WriteAsync(new Message { Text = word });
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
                Assert.Equal(word.ToUpperInvariant(), call.ResponseStream.Current.Text);
            }
            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        }

        var fields = Assert.Single(await AccessLogConfigs.LinesAsync(_log, 1)).Split(' ');
        Assert.Equal(["HTTP/2", "200"], fields[..2]);
        // Three length-prefixed messages each way: 5 bytes of framing plus the protobuf (2 + text length).
        Assert.Equal(3 * 5 + 3 * 2 + "onetwothree".Length, long.Parse(fields[2]));
        Assert.Equal(3 * 5 + 3 * 2 + "ONETWOTHREE".Length, long.Parse(fields[3]));
        Assert.Equal("/trellis.test.Echo/Chat", fields[4]);
    }
}
