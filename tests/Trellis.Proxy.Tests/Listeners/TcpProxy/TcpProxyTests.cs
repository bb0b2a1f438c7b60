using System.Net.Sockets;
using Envoy.Config.Listener.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;
using TcpProxyConfig = Envoy.Extensions.Filters.Network.TcpProxy.V3.TcpProxy;

namespace Trellis.Proxy.Tests.Listeners.TcpProxy;

/// <summary>A gateway's PASSTHROUGH port: tls_inspector reads the SNI, the chain for that name hands the still-encrypted
/// bytes to tcp_proxy, and the app behind it terminates TLS itself.</summary>
public sealed class TcpProxyTests : IAsyncLifetime
{
    private TestProxy _proxy = null!;
    private TlsEchoServer _nginx = null!;
    private TlsEchoServer _other = null!;
    private LineEchoServer _plain = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _nginx = new TlsEchoServer("nginx", "nginx.example.com");
        _other = new TlsEchoServer("other", "other.example.com");
        _plain = new LineEchoServer("plain");
        _proxy = await TestProxy.StartAsync("router~127.0.0.1~gateway-0.istio-system~istio-system.svc.cluster.local");
        _port = Ports.Free();
        var listener = Chains.Listener(_port,
            TcpChain("nginx", ["nginx.example.com"], new TcpProxyConfig { StatPrefix = "nginx", Cluster = "nginx" }),
            TcpChain("wild", ["*.example.com"], new TcpProxyConfig { StatPrefix = "other", Cluster = "other" }));
        listener.ListenerFilters.Add(Chains.TlsInspectorFilter());
        await _proxy.PushAsync([Eds("nginx"), Eds("other"), Eds("plain")], [Endpoints("nginx", _nginx.Port), Endpoints("other", _other.Port), Endpoints("plain", _plain.Port)],
            [listener], []);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _nginx.DisposeAsync();
        await _other.DisposeAsync();
        await _plain.DisposeAsync();
    }

    internal static FilterChain TcpChain(string name, string[] serverNames, TcpProxyConfig config) => new()
    {
        Name = name,
        FilterChainMatch = serverNames.Length == 0 ? null : new FilterChainMatch { ServerNames = { serverNames } },
        Filters = { new Filter { Name = "envoy.filters.network.tcp_proxy", TypedConfig = Any.Pack(config) } },
    };

    [Fact]
    public async Task The_sni_picks_the_chain_and_the_app_terminates_tls()
    {
        Assert.Equal("nginx nginx.example.com hello", await TlsEchoServer.AskAsync(_port, "nginx.example.com", "hello"));
        Assert.Equal("other bookinfo.example.com hi", await TlsEchoServer.AskAsync(_port, "bookinfo.example.com", "hi"));
    }

    [Fact]
    public async Task A_name_no_chain_takes_is_closed_without_reaching_any_app()
    {
        await Assert.ThrowsAnyAsync<IOException>(() => TlsEchoServer.AskAsync(_port, "evil.test", "hello"));
    }

    [Fact]
    public async Task A_plaintext_chain_forwards_raw_bytes_both_ways()
    {
        var port = Ports.Free();
        await _proxy.PushAsync([Eds("plain")], [Endpoints("plain", _plain.Port)],
            [Chains.Listener(port, TcpChain("plain", [], new TcpProxyConfig { StatPrefix = "plain", Cluster = "plain" }))], []);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync("ping\n"u8.ToArray());
        client.Client.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream);
        Assert.Equal("plain ping\nbye\n", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Weighted_clusters_spread_connections_by_weight()
    {
        var port = Ports.Free();
        var config = new TcpProxyConfig
        {
            StatPrefix = "split",
            WeightedClusters = new TcpProxyConfig.Types.WeightedCluster
            {
                Clusters =
                {
                    new TcpProxyConfig.Types.WeightedCluster.Types.ClusterWeight { Name = "nginx", Weight = 1 },
                    new TcpProxyConfig.Types.WeightedCluster.Types.ClusterWeight { Name = "other", Weight = 1 },
                },
            },
        };
        await _proxy.PushAsync([Eds("nginx"), Eds("other")], [Endpoints("nginx", _nginx.Port), Endpoints("other", _other.Port)],
            [Chains.Listener(port, TcpChain("split", [], config))], []);
        var seen = new HashSet<string>();
        for (var i = 0; i < 40 && seen.Count < 2; i++)
            seen.Add((await TlsEchoServer.AskAsync(port, "x.example.com", "hi"))!.Split(' ')[0]);
        Assert.Equal(["nginx", "other"], seen.Order());
    }

    [Fact]
    public async Task Tunneling_config_carries_the_bytes_through_a_connect_the_destination_sidecar_ends_at_its_app()
    {
        await using var sidecar = await TestProxy.StartAsync("sidecar~127.0.0.1~tcp-echo-v1-0.default~default.svc.cluster.local");
        var inbound = Ports.Free();
        await sidecar.PushAsync([Eds("inbound|9000||", serviceHost: "tcp-echo.default.svc.cluster.local")], [Endpoints("inbound|9000||", _plain.Port)],
            [Listener("virtualInbound", inbound, "inbound", global::Envoy.Config.Core.V3.TrafficDirection.Inbound, connect: true)],
            [Routes("inbound", Host("inbound", ["*"], ConnectTo("inbound|9000||", terminate: true), ToCluster("inbound|9000||")))]);
        var port = Ports.Free();
        var config = new TcpProxyConfig
        {
            StatPrefix = "tunnel",
            Cluster = "echo",
            TunnelingConfig = new TcpProxyConfig.Types.TunnelingConfig { Hostname = "tcp-echo.default.svc.cluster.local:9000" },
        };
        await _proxy.PushAsync([Eds("echo")], [Endpoints("echo", inbound)], [Chains.Listener(port, TcpChain("tunnel", [], config))], []);

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync("ping\n"u8.ToArray());
        client.Client.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream);
        Assert.Equal("plain ping\nbye\n", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_idle_timeout()
    {
        var port = Ports.Free();
        var config = new TcpProxyConfig { StatPrefix = "idle", Cluster = "plain", IdleTimeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(200)) };
        await _proxy.PushAsync([Eds("plain")], [Endpoints("plain", _plain.Port)], [Chains.Listener(port, TcpChain("idle", [], config))], []);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var reader = new StreamReader(client.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Null(await reader.ReadLineAsync(timeout.Token));
    }

    [Fact]
    public async Task A_busy_connection_is_closed_at_its_max_downstream_connection_duration()
    {
        var port = Ports.Free();
        var config = new TcpProxyConfig { StatPrefix = "max", Cluster = "plain", MaxDownstreamConnectionDuration = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(600)) };
        await _proxy.PushAsync([Eds("plain")], [Endpoints("plain", _plain.Port)], [Chains.Listener(port, TcpChain("max", [], config))], []);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var (answered, lasted) = await LineEchoServer.PingUntilClosedAsync(client.GetStream(), "plain");
        Assert.True(answered >= 2, $"only {answered} pings were answered before the connection closed");
        Assert.InRange(lasted, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(9));
    }

    [Fact]
    public async Task A_cluster_that_is_not_configured_closes_the_connection()
    {
        var port = Ports.Free();
        await _proxy.PushAsync([], [], [Chains.Listener(port, TcpChain("lost", [], new TcpProxyConfig { StatPrefix = "lost", Cluster = "nowhere" }))], []);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var reader = new StreamReader(client.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Null(await reader.ReadLineAsync(timeout.Token));
    }

    [Theory]
    [InlineData("{\"cluster\":\"a\"}", "stat_prefix is required")]
    [InlineData("{\"statPrefix\":\"p\"}", "needs a cluster or weighted_clusters")]
    [InlineData("{\"statPrefix\":\"p\",\"weightedClusters\":{\"clusters\":[{\"name\":\"a\",\"weight\":0}]}}", "needs a weight of at least 1")]
    [InlineData("{\"statPrefix\":\"p\",\"cluster\":\"a\",\"maxConnectAttempts\":0}", "max_connect_attempts must be at least 1")]
    [InlineData("{\"statPrefix\":\"p\",\"cluster\":\"a\",\"maxDownstreamConnectionDuration\":\"-1s\"}", "max_downstream_connection_duration must not be negative")]
    [InlineData("{\"statPrefix\":\"p\",\"cluster\":\"a\",\"tunnelingConfig\":{\"hostname\":\"a:1\",\"usePost\":true}}", "use_post is not supported")]
    [InlineData("{\"statPrefix\":\"p\",\"cluster\":\"a\",\"tunnelingConfig\":{\"hostname\":\"no port\"}}", "tunneling_config.hostname")]
    public void A_bad_tcp_proxy_is_refused_naming_the_field(string json, string error)
    {
        var config = Google.Protobuf.JsonParser.Default.Parse<TcpProxyConfig>(json);
        var e = Assert.Throws<ConfigException>(() => Chains.Compile(Chains.Listener(1234, TcpChain("c", [], config))));
        Assert.Contains(error, e.Message);
        Assert.Contains("envoy.filters.network.tcp_proxy", e.Message);
    }
}
