using System.Text;
using System.Text.RegularExpressions;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.AccessLogs;

/// <summary>An app sends requests through its sidecar, whose outbound connection manager has access logs: each request
/// leaves one line, in Envoy's default format unless the configuration gives one.</summary>
public sealed class AccessLogThroughProxyTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private const string Details = "%ROUTE_NAME% %UPSTREAM_CLUSTER% %REQUEST_DURATION% %RESPONSE_DURATION% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %RESPONSE_CODE_DETAILS%\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("trellis-access-log-").FullName;
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private int _outbound;

    private string DefaultLog => Path.Combine(_dir, "default.log");
    private string DetailsLog => Path.Combine(_dir, "details.log");
    private string FailuresLog => Path.Combine(_dir, "failures.log");

    public async Task InitializeAsync()
    {
        _app = await Upstream.StartAsync("reviews-app");
        _proxy = await TestProxy.StartAsync();
        _outbound = Ports.Free();
        await _proxy.PushAsync([Eds(Reviews, serviceHost: "reviews.bookinfo.svc.cluster.local")], [Endpoints(Reviews, _app.Port)],
            [Listener("virtualOutbound", _outbound, "outbound").WithAccessLogs(AccessLogConfigs.File(DefaultLog), AccessLogConfigs.File(DetailsLog, Details),
                AccessLogConfigs.Filtered(AccessLogConfigs.File(FailuresLog, "%RESPONSE_CODE% %REQ(:PATH)%\n"), "response.code >= 400 && request.headers['x-debug'] != 'skip'"))],
            [Routes("outbound", Host("reviews", ["reviews:9080"], ToCluster(Reviews, name: "reviews-route")))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_request_leaves_envoys_default_line()
    {
        using var http = TestProxy.ClientVia(_outbound);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/reviews/1?u=jason");
        request.Headers.UserAgent.ParseAdd("test-agent/1.0");
        request.Headers.Add("x-request-id", "3f1c-request");
        var response = await http.SendAsync(request);
        Assert.Equal("reviews-app", await response.Content.ReadAsStringAsync());

        var line = Assert.Single(await AccessLogConfigs.LinesAsync(DefaultLog, 1));
        Assert.Matches(new Regex($"""^\[\d{"{4}"}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{"{3}"}Z\] "GET /reviews/1\?u=jason HTTP/1.1" 200 - 0 11 \d+ \d+ "-" "test-agent/1.0" "3f1c-request" "reviews:9080" "127.0.0.1:{_app.Port}"$"""), line);
        var details = Assert.Single(await AccessLogConfigs.LinesAsync(DetailsLog, 1));
        Assert.Matches(new Regex($@"^reviews-route {Regex.Escape(Reviews)} 0 \d+ 127.0.0.1 via_upstream$"), details);
    }

    /// <summary>Istio's Telemetry filter example: only failed requests are logged; an expression that cannot be evaluated
    /// for a request (here a header it lacks) is false for it, as in Envoy.</summary>
    [Fact]
    public async Task A_cel_filter_logs_only_the_requests_it_is_true_for()
    {
        using var http = TestProxy.ClientVia(_outbound);
        await http.GetAsync("http://reviews:9080/reviews/1");
        await http.GetAsync("http://nowhere:9080/missing");
        using var skipped = new HttpRequestMessage(HttpMethod.Get, "http://nowhere:9080/skipped");
        skipped.Headers.Add("x-debug", "skip");
        await http.SendAsync(skipped);
        using var marked = new HttpRequestMessage(HttpMethod.Get, "http://nowhere:9080/marked");
        marked.Headers.Add("x-debug", "keep");
        await http.SendAsync(marked);

        await AccessLogConfigs.LinesAsync(DefaultLog, 4);
        Assert.Equal(["404 /marked"], await AccessLogConfigs.LinesAsync(FailuresLog, 1));
    }

    [Fact]
    public async Task A_request_body_counts_as_bytes_received()
    {
        using var http = TestProxy.ClientVia(_outbound);
        var response = await http.PostAsync("http://reviews:9080/ratings", new StringContent("five!", Encoding.ASCII));
        Assert.Equal("reviews-app", await response.Content.ReadAsStringAsync());

        var line = Assert.Single(await AccessLogConfigs.LinesAsync(DefaultLog, 1));
        Assert.Contains("\"POST /ratings HTTP/1.1\" 200 - 5 11 ", line);
    }

    [Fact]
    public async Task A_local_reply_is_logged_with_its_flag_and_reason()
    {
        using var http = TestProxy.ClientVia(_outbound);
        var response = await http.GetAsync("http://nowhere:9080/x");
        Assert.Equal(404, (int)response.StatusCode);

        var line = Assert.Single(await AccessLogConfigs.LinesAsync(DefaultLog, 1));
        Assert.Matches("^\\[.*\\] \"GET /x HTTP/1.1\" 404 NR 0 0 \\d+ - \"-\" \"-\" \"[0-9a-f-]{36}\" \"nowhere:9080\" \"-\"$", line);
        var details = Assert.Single(await AccessLogConfigs.LinesAsync(DetailsLog, 1));
        Assert.EndsWith("- - 0 - 127.0.0.1 listener_virtualOutbound:_route_configuration_outbound_has_no_virtual_host_for_authority_\"nowhere:9080\"", details);
    }

    [Fact]
    public async Task A_listener_with_an_unsupported_access_log_is_refused_and_the_last_good_one_keeps_logging()
    {
        var refused = await _proxy.ApplyAsync(TypeUrls.Listener,
            Listener("virtualOutbound", _outbound, "outbound").WithAccessLogs(AccessLogConfigs.File(DefaultLog, "%UPSTREAM_WIRE_BYTES_SENT%\n")));
        Assert.NotNull(refused);
        Assert.Contains("listener \"virtualOutbound\" filter chain \"filter_chains[0]\": access_log[0] \"envoy.access_loggers.file\": command operator %UPSTREAM_WIRE_BYTES_SENT% is not supported", refused);

        using var http = TestProxy.ClientVia(_outbound);
        Assert.Equal("reviews-app", await http.GetStringAsync("http://reviews:9080/reviews/2"));
        Assert.Contains("\"GET /reviews/2 HTTP/1.1\" 200", Assert.Single(await AccessLogConfigs.LinesAsync(DefaultLog, 1)));
    }
}
