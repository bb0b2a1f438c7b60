using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Trellis.Proxy.Tests.Grpc;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Tunnels;

/// <summary>A CONNECT to an HTTP service is terminated into an internal listener that shares the outbound
/// routes, so every request inside the tunnel (HTTP/1.1 or gRPC over h2c) is routed on its own, exactly as
/// if it had been sent as a plain proxy request.</summary>
public sealed class HttpInTunnelTests : IAsyncLifetime
{
    private TestProxy _proxy = null!;
    private Upstream _a = null!;
    private Upstream _b = null!;
    private Upstream _grpc = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _a = await Upstream.StartAsync("a");
        _b = await Upstream.StartAsync("b");
        _grpc = await Upstream.StartAsync("echo", app => app.MapGrpcService<EchoService>(), services => services.AddGrpc());
        _port = Ports.Free();
        var jason = ToCluster("b", name: "jason");
        jason.Match.Headers.Add(new global::Envoy.Config.Route.V3.HeaderMatcher { Name = "end-user", ExactMatch = "jason" });
        await _proxy.PushAsync([Eds("a"), Eds("b"), Eds("echo", http2: true), ToInternalListener("tunnel", "outbound_tunnel")],
            [Endpoints("a", _a.Port), Endpoints("b", _b.Port), Endpoints("echo", _grpc.Port)],
            [Listener("virtualOutbound", _port, "outbound", connect: true), InternalListener("outbound_tunnel", "outbound")],
            [Routes("outbound",
                Host("web", ["web:8080"], ConnectTo("tunnel", terminate: true), jason, ToCluster("a")),
                Host("echo", ["echo:9090"], ConnectTo("tunnel", terminate: true), ToCluster("echo")))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _grpc.DisposeAsync();
    }

    /// <summary>Every connection the handler opens is a CONNECT tunnel through the proxy, as HTTP_PROXY clients make for h2c.</summary>
    private SocketsHttpHandler Tunnelling(string authority) => new()
    {
        UseProxy = false,
        ConnectCallback = async (_, _) =>
        {
            var tunnel = await RawConnect.TunnelAsync(_port, authority);
            Assert.Equal(200, tunnel.Status);
            return tunnel.Stream;
        },
    };

    [Fact]
    public async Task Each_request_in_the_tunnel_is_routed_on_its_own()
    {
        using var http = new HttpClient(Tunnelling("web:8080"));
        var plain = await http.GetAsync("http://web:8080/one");
        Assert.Equal("a", await plain.Content.ReadAsStringAsync());
        var asJason = new HttpRequestMessage(HttpMethod.Get, "http://web:8080/two") { Headers = { { "end-user", "jason" } } };
        var routed = await http.SendAsync(asJason);
        Assert.Equal("b", await routed.Content.ReadAsStringAsync());
        Assert.Equal("/two", routed.Headers.GetValues("x-seen-path").Single());
    }

    [Fact]
    public async Task Grpc_over_h2c_inside_the_tunnel_reaches_the_service()
    {
        using var channel = GrpcChannel.ForAddress("http://echo:9090", new GrpcChannelOptions { HttpHandler = Tunnelling("echo:9090") });
        var client = new Echo.EchoClient(channel);
        var call = client.SayAsync(new Message { Text = "through the tunnel" });
        Assert.Equal("echo: through the tunnel", (await call).Text);
        Assert.Equal("present", call.GetTrailers().GetValue("x-echo-trailer"));

        using var chat = client.Chat();
        await chat.RequestStream.WriteAsync(new Message { Text = "streamed" });
        Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("STREAMED", chat.ResponseStream.Current.Text);
        await chat.RequestStream.CompleteAsync();
        Assert.False(await chat.ResponseStream.MoveNext(CancellationToken.None));

        var stats = await _proxy.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains(stats.Split('\n'), l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal) && l.Contains("request_protocol=\"grpc\""));
        Assert.DoesNotContain("istio_tcp_connections_opened_total{", stats);
    }
}
