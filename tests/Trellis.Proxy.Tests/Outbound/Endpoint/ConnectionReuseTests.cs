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

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _httpbin = await Upstream.StartAsync("httpbin", app => app.MapGet("/connection", (HttpContext ctx) => ctx.Connection.Id));
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _httpbin.DisposeAsync();
    }

    private Task ConfigureAsync(CommonHttpProtocolOptions? common)
    {
        var cluster = Eds(Httpbin);
        if (common is not null)
        {
            var key = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
            var options = cluster.TypedExtensionProtocolOptions[key].Unpack<HttpProtocolOptions>();
            options.CommonHttpProtocolOptions = common;
            cluster.TypedExtensionProtocolOptions[key] = Any.Pack(options);
        }
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
}
