using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Trellis.Proxy.Tests.Grpc;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>h2c from the client to the proxy and from the proxy to a gRPC upstream: unary, bidirectional
/// streaming, and trailers (status and custom metadata) all pass through unchanged.</summary>
public sealed class GrpcPassThroughTests : IAsyncLifetime
{
    private const string Cluster = "outbound|9090||echo.default.svc.cluster.local";
    private TestProxy _proxy = null!;
    private Upstream _upstream = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _upstream = await Upstream.StartAsync("echo", app => app.MapGrpcService<EchoService>(), services => services.AddGrpc());
        _port = Ports.Free();
        await _proxy.PushAsync([Eds(Cluster, http2: true)], [Endpoints(Cluster, _upstream.Port)],
            [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("echo", ["echo:9090"], ToCluster(Cluster)))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private GrpcChannel Channel() => GrpcChannel.ForAddress("http://echo:9090", new GrpcChannelOptions
    {
        // Dial the proxy's port but keep ":authority: echo:9090", as a client behind a sidecar would.
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

    [Fact]
    public async Task Unary_call_and_trailers_pass_through_h2c()
    {
        using var channel = Channel();
        var client = new Echo.EchoClient(channel);
        var call = client.SayAsync(new Message { Text = "hi" });
        Assert.Equal("echo: hi", (await call).Text);
        Assert.Equal("present", call.GetTrailers().GetValue("x-echo-trailer"));
    }

    [Fact]
    public async Task Error_status_arrives_in_trailers()
    {
        using var channel = Channel();
        var client = new Echo.EchoClient(channel);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.SayAsync(new Message { Text = "fail" }));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("asked to fail", e.Status.Detail);
    }

    [Fact]
    public async Task Bidirectional_streaming_passes_through()
    {
        using var channel = Channel();
        var client = new Echo.EchoClient(channel);
        using var call = client.Chat();
        foreach (var word in new[] { "one", "two", "three" })
        {
            await call.RequestStream.WriteAsync(new Message { Text = word });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(word.ToUpperInvariant(), call.ResponseStream.Current.Text);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task Grpc_requests_are_labelled_grpc_in_metrics()
    {
        using var channel = Channel();
        await new Echo.EchoClient(channel).SayAsync(new Message { Text = "count me" });
        var text = await _proxy.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains(text.Split('\n'), l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal)
            && l.Contains("request_protocol=\"grpc\"") && l.Contains("grpc_response_status=\"0\""));
    }
}
