using System.Net;
using System.Net.Sockets;
using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;
using static Trellis.Proxy.Tests.Support.Chains;

namespace Trellis.Proxy.Tests.Listeners;

/// <summary>A running proxy gives each connection the filter chain its first bytes and its socket call for, and each
/// chain serves its own routes; a connection no chain takes is closed, and a push that removes a connection's chain
/// drains that connection.</summary>
public sealed class FilterChainListenerTests : IAsyncLifetime
{
    private TestProxy _proxy = null!;
    private int _port;

    private static RouteConfiguration Answering(string name, string? body = null) => new()
    {
        Name = name,
        VirtualHosts =
        {
            new VirtualHost
            {
                Name = name,
                Domains = { "*" },
                Routes = { new Route { Match = new RouteMatch { Prefix = "/" }, DirectResponse = new DirectResponseAction { Status = 200, Body = new DataSource { InlineString = body ?? $"{name} chain" } } } },
            },
        },
    };

    /// <summary>http_inspector tells h2c from HTTP/1.x; the h2c chain and the HTTP/1 chain answer with their own routes.</summary>
    private Listener ByProtocol(string http1ChainName = "http")
    {
        var listener = Listener(_port,
            Chain("h2c", new FilterChainMatch { ApplicationProtocols = { "h2c" } }),
            Chain(http1ChainName, new FilterChainMatch { ApplicationProtocols = { "http/1.1", "http/1.0" } }));
        listener.ListenerFilters.Add(HttpInspectorFilter());
        return listener;
    }

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _port = Ports.Free();
        await _proxy.PushAsync([], [], [ByProtocol()], [Answering("h2c"), Answering("http"), Answering("renamed")]);
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private HttpClient Client(bool h2c = false) => new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{_port}"),
        DefaultRequestVersion = h2c ? HttpVersion.Version20 : HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    [Fact]
    public async Task Http1_and_h2c_connections_on_one_port_are_served_by_their_own_chains()
    {
        using var http1 = Client();
        Assert.Equal("http chain", await http1.GetStringAsync("/"));
        using var h2c = Client(h2c: true);
        var response = await h2c.GetAsync("/");
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("h2c chain", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_tls_connection_that_no_chain_takes_is_closed_without_an_answer()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _port);
        await socket.SendAsync(ClientHelloBytes.Build("reviews.bookinfo.svc.cluster.local", ["h2"]));
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int received;
        try
        {
            received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            received = 0;
        }
        Assert.Equal(0, received);
    }

    [Fact]
    public async Task Chains_are_chosen_by_destination_port()
    {
        var listener = Listener(_port,
            Chain("http", new FilterChainMatch { DestinationPort = (uint)_port }),
            Chain("h2c", new FilterChainMatch { DestinationPort = (uint)_port + 1 }));
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Listener, listener));
        using var client = Client();
        Assert.Equal("http chain", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_push_that_removes_a_connections_chain_drains_the_connection_and_new_connections_get_the_new_chain()
    {
        using var client = Client();
        Assert.Equal("http chain", await client.GetStringAsync("/"));

        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Listener, ByProtocol(http1ChainName: "renamed")));
        var draining = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, draining.StatusCode);
        Assert.Contains("filter chain is no longer configured", draining.Headers.GetValues("x-trellis-reason").Single());

        using var fresh = Client();
        Assert.Equal("renamed chain", await fresh.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_push_that_keeps_a_connections_chain_applies_to_the_open_connection()
    {
        using var client = Client();
        Assert.Equal("http chain", await client.GetStringAsync("/"));
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.RouteConfiguration, Answering("h2c"), Answering("http", "updated"), Answering("renamed")));
        Assert.Equal("updated", await client.GetStringAsync("/"));
    }
}
