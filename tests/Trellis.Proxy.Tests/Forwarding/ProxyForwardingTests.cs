using System.Net;
using Envoy.Config.Route.V3;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>Real Kestrel listeners on loopback, configured through the xDS handler, forwarding to real upstreams.</summary>
public sealed class ProxyForwardingTests : IAsyncLifetime
{
    private const string ReviewsV1 = "outbound|9080|v1|reviews.bookinfo.svc.cluster.local";
    private const string ReviewsV2 = "outbound|9080|v2|reviews.bookinfo.svc.cluster.local";
    private TestProxy _proxy = null!;
    private Upstream _v1 = null!;
    private Upstream _v2 = null!;
    private int _port;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _v1 = await Upstream.StartAsync("reviews-v1");
        _v2 = await Upstream.StartAsync("reviews-v2");
        _port = Ports.Free();
        _client = TestProxy.ClientVia(_port);
        await ConfigureAsync(ToCluster(ReviewsV1, "/", "to-v1"));
    }

    private Task ConfigureAsync(params Route[] reviewsRoutes)
    {
        var closedPort = Ports.Free();
        return _proxy.PushAsync(
            [Eds(ReviewsV1, serviceHost: "reviews.bookinfo.svc.cluster.local"), Eds(ReviewsV2), Eds("outbound|9080||empty.bookinfo.svc.cluster.local"), Eds("outbound|9080||closed.bookinfo.svc.cluster.local")],
            [EndpointsWith(ReviewsV1, (_v1.Port, "reviews-v1;bookinfo;reviews;v1;Kubernetes")), Endpoints(ReviewsV2, _v2.Port), Endpoints("outbound|9080||empty.bookinfo.svc.cluster.local"), Endpoints("outbound|9080||closed.bookinfo.svc.cluster.local", closedPort)],
            [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound",
                Host("reviews.bookinfo.svc.cluster.local:9080", ["reviews:9080", "reviews.bookinfo.svc.cluster.local:9080"], reviewsRoutes),
                Host("empty", ["empty:9080"], ToCluster("outbound|9080||empty.bookinfo.svc.cluster.local")),
                Host("closed", ["closed:9080"], ToCluster("outbound|9080||closed.bookinfo.svc.cluster.local")),
                Host("ghost", ["ghost:9080"], ToCluster("outbound|9080||ghost.bookinfo.svc.cluster.local")))]);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    [Fact]
    public async Task Absolute_form_request_is_routed_by_host_and_keeps_host_and_path()
    {
        var response = await _client.GetAsync("http://reviews:9080/reviews/1?x=y");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reviews-v1", await response.Content.ReadAsStringAsync());
        Assert.Equal("reviews:9080", response.Headers.GetValues("x-seen-host").Single());
        Assert.Equal("/reviews/1?x=y", response.Headers.GetValues("x-seen-path").Single());
        Assert.True(Guid.TryParse(response.Headers.GetValues("x-seen-x-request-id").Single(), out _));
        Assert.True(response.Headers.Contains("x-envoy-upstream-service-time"));
        Assert.True(response.Headers.Contains("x-seen-x-envoy-peer-metadata"));
    }

    [Fact]
    public async Task An_existing_request_id_is_kept()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/");
        request.Headers.Add("x-request-id", "abc-123");
        var response = await _client.SendAsync(request);
        Assert.Equal("abc-123", response.Headers.GetValues("x-seen-x-request-id").Single());
    }

    [Fact]
    public async Task Unknown_host_is_404_NR_with_a_reason()
    {
        var response = await _client.GetAsync("http://nowhere:9080/");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var reason = response.Headers.GetValues("x-trellis-reason").Single();
        Assert.Contains("virtualOutbound", reason);
        Assert.Contains("no virtual host", reason);
        Assert.Contains("nowhere:9080", reason);
    }

    [Fact]
    public async Task No_matching_route_is_404_naming_the_virtual_host()
    {
        await ConfigureAsync(ToCluster(ReviewsV1, "/reviews", "reviews-only"));
        var response = await _client.GetAsync("http://reviews:9080/other");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no route of virtual host reviews.bookinfo.svc.cluster.local:9080", response.Headers.GetValues("x-trellis-reason").Single());
    }

    [Fact]
    public async Task No_endpoints_is_503_UH()
    {
        var response = await _client.GetAsync("http://empty:9080/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no healthy upstream", await response.Content.ReadAsStringAsync());
        Assert.Contains("has no healthy endpoint", response.Headers.GetValues("x-trellis-reason").Single());
    }

    [Fact]
    public async Task Closed_port_is_503_UF()
    {
        var response = await _client.GetAsync("http://closed:9080/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("upstream connect error or disconnect/reset before headers. reset reason: connection failure", await response.Content.ReadAsStringAsync());
        Assert.Contains("outbound|9080||closed.bookinfo.svc.cluster.local", response.Headers.GetValues("x-trellis-reason").Single());
    }

    [Fact]
    public async Task Unknown_cluster_is_503_NC_at_request_time()
    {
        var response = await _client.GetAsync("http://ghost:9080/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("not configured", response.Headers.GetValues("x-trellis-reason").Single());
    }

    [Fact]
    public async Task Route_timeout_is_504_UT()
    {
        var route = ToCluster(ReviewsV1, "/", "slow");
        route.Route_.Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300));
        await ConfigureAsync(route);
        var response = await _client.GetAsync("http://reviews:9080/slow");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream request timeout", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Retries_on_retriable_status_codes()
    {
        var route = ToCluster(ReviewsV1, "/", "retrying");
        route.Route_.RetryPolicy = new RetryPolicy { RetryOn = "retriable-status-codes", NumRetries = 2, RetriableStatusCodes = { 503 } };
        await ConfigureAsync(route);
        _v1.FailNext(2);
        var response = await _client.GetAsync("http://reviews:9080/flaky");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _v1.FailNext(3);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("http://reviews:9080/flaky")).StatusCode);
    }

    [Fact]
    public async Task Header_match_weighted_split_rewrite_and_header_mutations()
    {
        var jason = new Route
        {
            Name = "jason",
            Match = new RouteMatch { Prefix = "/", Headers = { new HeaderMatcher { Name = "end-user", StringMatch = new global::Envoy.Type.Matcher.V3.StringMatcher { Exact = "jason" } } } },
            Route_ = new RouteAction { Cluster = ReviewsV2, PrefixRewrite = "/v2/", Timeout = new Google.Protobuf.WellKnownTypes.Duration() },
            RequestHeadersToAdd = { new global::Envoy.Config.Core.V3.HeaderValueOption { Header = new global::Envoy.Config.Core.V3.HeaderValue { Key = "x-added", Value = "yes" } } },
            ResponseHeadersToAdd = { new global::Envoy.Config.Core.V3.HeaderValueOption { Header = new global::Envoy.Config.Core.V3.HeaderValue { Key = "x-route", Value = "jason" } } },
        };
        var split = new Route
        {
            Name = "split",
            Match = new RouteMatch { Prefix = "/" },
            Route_ = new RouteAction
            {
                WeightedClusters = new WeightedCluster
                {
                    Clusters =
                    {
                        new WeightedCluster.Types.ClusterWeight { Name = ReviewsV1, Weight = 50 },
                        new WeightedCluster.Types.ClusterWeight { Name = ReviewsV2, Weight = 50 },
                    },
                },
            },
        };
        await ConfigureAsync(jason, split);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/reviews/1");
        request.Headers.Add("end-user", "jason");
        var response = await _client.SendAsync(request);
        Assert.Equal("reviews-v2", await response.Content.ReadAsStringAsync());
        Assert.Equal("/v2/reviews/1", response.Headers.GetValues("x-seen-path").Single());
        Assert.Equal("yes", response.Headers.GetValues("x-seen-x-added").Single());
        Assert.Equal("jason", response.Headers.GetValues("x-route").Single());

        var seen = new HashSet<string>();
        for (var i = 0; i < 40; i++) seen.Add(await _client.GetStringAsync("http://reviews:9080/"));
        Assert.Equal(["reviews-v1", "reviews-v2"], seen.Order());
    }

    [Fact]
    public async Task Direct_response_and_redirect()
    {
        var direct = new Route { Name = "teapot", Match = new RouteMatch { Path = "/tea" }, DirectResponse = new DirectResponseAction { Status = 418, Body = new global::Envoy.Config.Core.V3.DataSource { InlineString = "short and stout" } } };
        var redirect = new Route { Name = "moved", Match = new RouteMatch { Prefix = "/old" }, Redirect = new RedirectAction { PathRedirect = "/new", ResponseCode = RedirectAction.Types.RedirectResponseCode.Found } };
        await ConfigureAsync(direct, redirect);
        var tea = await _client.GetAsync("http://reviews:9080/tea");
        Assert.Equal(418, (int)tea.StatusCode);
        Assert.Equal("short and stout", await tea.Content.ReadAsStringAsync());
        using var noRedirects = new HttpClient(new SocketsHttpHandler { Proxy = new WebProxy($"http://127.0.0.1:{_port}"), AllowAutoRedirect = false });
        var moved = await noRedirects.GetAsync("http://reviews:9080/old?q=1");
        Assert.Equal(HttpStatusCode.Found, moved.StatusCode);
        Assert.Equal("http://reviews:9080/new?q=1", moved.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Connect_after_a_request_on_the_same_connection_is_refused_with_405_and_a_reason()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET http://reviews:9080/first HTTP/1.1\r\nHost: reviews:9080\r\n\r\nCONNECT reviews:9080 HTTP/1.1\r\nHost: reviews:9080\r\n\r\n"u8.ToArray());
        var text = "";
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!text.Contains("HTTP/1.1 405", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            text += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }
        Assert.StartsWith("HTTP/1.1 200", text);
        Assert.Contains("open a new connection for the tunnel", text);
    }
}
