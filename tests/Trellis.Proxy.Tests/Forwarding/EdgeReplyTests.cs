using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>A listener whose router has suppress_envoy_headers (the gateway facing outside clients) answers with
/// Envoy's status and body but keeps cluster names, endpoints and parser messages to itself; one without keeps
/// explaining its replies, as sidecars do for their apps.</summary>
public sealed class EdgeReplyTests : IAsyncLifetime
{
    private TestProxy _proxy = null!;
    private int _edge;
    private int _sidecar;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _edge = Ports.Free();
        _sidecar = Ports.Free();
        var routes = Routes("http", Host("shop", ["shop"], ToCluster("outbound|9080||productpage.bookinfo.svc.cluster.local")));
        await _proxy.PushAsync([Eds("outbound|9080||productpage.bookinfo.svc.cluster.local")], [Endpoints("outbound|9080||productpage.bookinfo.svc.cluster.local")],
            [Gateway("0.0.0.0_edge", _edge, suppress: true), Gateway("sidecar", _sidecar, suppress: false)], [routes]);
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static Listener Gateway(string name, int port, bool suppress) => new()
    {
        Name = name,
        Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)port } },
        FilterChains =
        {
            new FilterChain
            {
                Filters =
                {
                    new Filter
                    {
                        Name = "envoy.filters.network.http_connection_manager",
                        TypedConfig = Any.Pack(new HttpConnectionManager
                        {
                            StatPrefix = name,
                            Rds = new Rds { RouteConfigName = "http", ConfigSource = new ConfigSource { Ads = new AggregatedConfigSource() } },
                            HttpFilters = { new HttpFilter { Name = "envoy.filters.http.router", TypedConfig = Any.Pack(new Router { SuppressEnvoyHeaders = suppress }) } },
                        }),
                    },
                },
            },
        },
    };

    private static HttpClient Client(int port) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

    private static async Task<HttpResponseMessage> GetAsync(int port, string host)
    {
        using var client = Client(port);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/productpage");
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task The_edge_answers_an_unknown_host_404_without_a_reason()
    {
        using var response = await GetAsync(_edge, "elsewhere");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("x-trellis-reason"));
    }

    [Fact]
    public async Task The_edge_answers_503_without_naming_the_cluster()
    {
        using var response = await GetAsync(_edge, "shop");

        Assert.Equal(503, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("x-trellis-reason"));
        Assert.DoesNotContain("productpage", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_edge_refuses_connect_and_malformed_connect_without_details()
    {
        await using var tunnel = await RawConnect.TunnelAsync(_edge, "shop:80");
        Assert.Equal(403, tunnel.Status);
        Assert.DoesNotContain("x-trellis-reason", tunnel.ResponseHead);

        await using var malformed = await RawConnect.OpenAsync(_edge, "CONNECT shop HTTP/1.1\r\n\r\n");
        Assert.Equal(400, malformed.Status);
        Assert.DoesNotContain("x-trellis-reason", malformed.ResponseHead);
    }

    [Fact]
    public async Task A_listener_without_suppression_explains_the_same_replies()
    {
        using var unknown = await GetAsync(_sidecar, "elsewhere");
        Assert.Contains("has no virtual host", unknown.Headers.GetValues("x-trellis-reason").Single());

        using var unavailable = await GetAsync(_sidecar, "shop");
        Assert.Equal(503, (int)unavailable.StatusCode);
        Assert.Contains("outbound|9080||productpage.bookinfo.svc.cluster.local", unavailable.Headers.GetValues("x-trellis-reason").Single());
    }
}
