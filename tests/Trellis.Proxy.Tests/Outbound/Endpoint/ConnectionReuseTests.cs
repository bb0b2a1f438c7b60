using Envoy.Config.Core.V3;
using Envoy.Config.Cluster.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;
using CommonHttpProtocolOptions = Envoy.Config.Core.V3.HttpProtocolOptions;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;

namespace Trellis.Proxy.Tests.Outbound.Endpoint;

/// <summary>common_http_protocol_options decide how long and for how many requests an upstream connection is reused,
/// as a DestinationRule's maxRequestsPerConnection and maxConnectionDuration set them: the upstream tells by the
/// connection each request arrives on.</summary>
public sealed class ConnectionReuseTests : IAsyncLifetime
{
    private const string Httpbin = "outbound|8000||httpbin.default.svc.cluster.local";
    private TestProxy _proxy = null!;
    private Upstream _httpbin = null!;
    private int _port;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _inFlight = new();
    // The most requests each upstream connection carried at once.
    private readonly Dictionary<string, int> _mostInFlight = [];

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _httpbin = await Upstream.StartAsync("httpbin", app =>
        {
            app.MapGet("/connection", (HttpContext ctx) => ctx.Connection.Id);
            app.MapGet("/connection/held", async (HttpContext ctx) =>
            {
                var inFlight = _inFlight.AddOrUpdate(ctx.Connection.Id, 1, (_, n) => n + 1);
                lock (_mostInFlight) _mostInFlight[ctx.Connection.Id] = Math.Max(inFlight, _mostInFlight.GetValueOrDefault(ctx.Connection.Id));
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                _inFlight.AddOrUpdate(ctx.Connection.Id, 0, (_, n) => n - 1);
                return ctx.Connection.Id;
            });
        });
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _httpbin.DisposeAsync();
    }

    /// <param name="http2">The upstream is spoken to in HTTP/2 (h2c), with these options.</param>
    private static Cluster ClusterWith(CommonHttpProtocolOptions? common, Http2ProtocolOptions? http2)
    {
        var cluster = Eds(Httpbin);
        var key = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
        var options = cluster.TypedExtensionProtocolOptions[key].Unpack<HttpProtocolOptions>();
        options.CommonHttpProtocolOptions = common;
        if (http2 is not null) options.ExplicitHttpConfig = new HttpProtocolOptions.Types.ExplicitHttpConfig { Http2ProtocolOptions = http2 };
        cluster.TypedExtensionProtocolOptions[key] = Any.Pack(options);
        return cluster;
    }

    private Task ConfigureAsync(CommonHttpProtocolOptions? common, Http2ProtocolOptions? http2 = null)
    {
        var cluster = ClusterWith(common, http2);
        return _proxy.PushAsync([cluster], [Endpoints(Httpbin, _httpbin.Port)], [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("httpbin", ["httpbin:8000"], ToCluster(Httpbin)))]);
    }

    private async Task<List<string>> ConnectionsOfAsync(int requests, TimeSpan pause = default)
    {
        using var client = TestProxy.ClientVia(_port);
        var seen = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            if (i > 0) await Task.Delay(pause);
            seen.Add(await client.GetStringAsync("http://httpbin:8000/connection"));
        }
        return seen;
    }

    /// <summary>The upstream connections of <paramref name="requests"/> requests that are all in flight at once.</summary>
    private async Task<string[]> ConnectionsOfConcurrentAsync(int requests)
    {
        using var client = TestProxy.ClientVia(_port);
        // A first request opens the pool's connection, so the concurrent ones find one to share.
        await client.GetStringAsync("http://httpbin:8000/connection");
        return await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => client.GetStringAsync("http://httpbin:8000/connection/held")));
    }

    [Fact]
    public async Task Without_limits_one_upstream_connection_serves_every_request()
    {
        await ConfigureAsync(null);
        Assert.Single((await ConnectionsOfAsync(3)).Distinct());
    }

    [Fact]
    public async Task One_request_per_connection_opens_a_connection_for_each_request()
    {
        await ConfigureAsync(new CommonHttpProtocolOptions { MaxRequestsPerConnection = 1 });
        Assert.Equal(3, (await ConnectionsOfAsync(3)).Distinct().Count());
    }

    [Fact]
    public async Task Two_requests_per_connection_take_each_connection_twice()
    {
        await ConfigureAsync(new CommonHttpProtocolOptions { MaxRequestsPerConnection = 2 });
        var connections = await ConnectionsOfAsync(6);
        Assert.Equal(3, connections.Distinct().Count());
        Assert.All(connections.Chunk(2), pair => Assert.Equal(pair[0], pair[1]));
    }

    [Fact]
    public async Task A_connection_older_than_the_maximum_duration_takes_no_new_request()
    {
        await ConfigureAsync(new CommonHttpProtocolOptions { MaxConnectionDuration = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300)) });
        var connections = await ConnectionsOfAsync(2, TimeSpan.FromMilliseconds(800));
        Assert.NotEqual(connections[0], connections[1]);
    }

    [Fact]
    public async Task Http2_requests_in_flight_together_share_one_connection_without_a_stream_limit()
    {
        await ConfigureAsync(null, new Http2ProtocolOptions());
        Assert.Single((await ConnectionsOfConcurrentAsync(3)).Distinct());
        Assert.Equal(3, Assert.Single(_mostInFlight.Values));
    }

    [Fact]
    public async Task A_limit_of_one_concurrent_stream_keeps_each_http2_connection_to_one_request_at_a_time()
    {
        await ConfigureAsync(null, new Http2ProtocolOptions { MaxConcurrentStreams = 1 });
        // The pool opens more connections, or waits for a stream, but never puts two requests on one connection at once.
        Assert.True((await ConnectionsOfConcurrentAsync(3)).Distinct().Count() > 1);
        Assert.All(_mostInFlight.Values, most => Assert.Equal(1, most));
    }

    [Fact]
    public async Task Two_requests_per_http2_connection_take_each_connection_twice()
    {
        await ConfigureAsync(new CommonHttpProtocolOptions { MaxRequestsPerConnection = 2 }, new Http2ProtocolOptions());
        var connections = await ConnectionsOfAsync(6);
        Assert.Equal(3, connections.Distinct().Count());
        Assert.All(connections.Chunk(2), pair => Assert.Equal(pair[0], pair[1]));
    }

    [Fact]
    public async Task A_max_concurrent_streams_of_zero_is_refused_as_envoy_refuses_it()
    {
        var error = await _proxy.ApplyAsync(Trellis.Xds.TypeUrls.Cluster, ClusterWith(null, new Http2ProtocolOptions { MaxConcurrentStreams = 0 }));
        Assert.Contains("http2_protocol_options.max_concurrent_streams must be between 1 and 2147483647", error);
    }
}
