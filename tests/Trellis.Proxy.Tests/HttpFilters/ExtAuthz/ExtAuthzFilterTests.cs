using Envoy.Config.Core.V3;
using Envoy.Extensions.Filters.Http.ExtAuthz.V3;
using HttpService = Envoy.Extensions.Filters.Http.ExtAuthz.V3.HttpService;
using Envoy.Type.Matcher.V3;
using Envoy.Type.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.HttpFilters.ExtAuthz;

/// <summary>envoy.filters.http.ext_authz with an HTTP authorization service, against a real little auth server.</summary>
public sealed class ExtAuthzFilterTests : IAsyncLifetime
{
    private const string App = "inbound|9080||";
    private const string AuthCluster = "outbound|8000||ext-authz.foo.svc.cluster.local";
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private Upstream _auth = null!;
    private int _port;
    private string? _lastCheck;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = await Upstream.StartAsync("productpage", app => app.Use(async (http, next) =>
        {
            if (http.Request.Headers.TryGetValue("x-user", out var user)) http.Response.Headers["x-seen-user"] = user.ToString();
            if (http.Request.Headers.TryGetValue("x-envoy-auth-failure-mode-allowed", out var allowed)) http.Response.Headers["x-seen-failure-mode"] = allowed.ToString();
            await next(http);
        }));
        _auth = await Upstream.StartAsync("ext-authz", app => app.Use(async (HttpContext http, RequestDelegate _) =>
        {
            _lastCheck = $"{http.Request.Method} {http.Request.Host} {http.Request.Path}{http.Request.QueryString} secret={http.Request.Headers["x-secret"]} allow={http.Request.Headers["x-ext-authz"]} added={http.Request.Headers["x-added-by-proxy"]}";
            switch (http.Request.Headers["x-ext-authz"].ToString())
            {
                case "allow":
                    http.Response.Headers["x-user"] = "alice";
                    http.Response.Headers["x-internal"] = "never-upstream";
                    return;
                case "slow":
                    await Task.Delay(TimeSpan.FromSeconds(10), http.RequestAborted);
                    return;
                default:
                    http.Response.StatusCode = 401;
                    http.Response.Headers.WWWAuthenticate = "Bearer";
                    http.Response.Headers["x-auth-detail"] = "hidden";
                    await http.Response.WriteAsync("denied by ext-authz");
                    return;
            }
        }));
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
        await _auth.DisposeAsync();
    }

    private static ListStringMatcher Names(params string[] names)
    {
        var list = new ListStringMatcher();
        foreach (var name in names) list.Patterns.Add(new StringMatcher { Exact = name });
        return list;
    }

    private Task ConfigureAsync(bool failureModeAllow = false, params Envoy.Config.Route.V3.Route[] routes)
    {
        var config = new Envoy.Extensions.Filters.Http.ExtAuthz.V3.ExtAuthz
        {
            HttpService = new HttpService
            {
                ServerUri = new HttpUri { Uri = "http://ext-authz.foo.svc.cluster.local:8000", Cluster = AuthCluster, Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)) },
                PathPrefix = "/check",
                AuthorizationRequest = new AuthorizationRequest { AllowedHeaders = Names("x-ext-authz"), HeadersToAdd = { new HeaderValue { Key = "x-added-by-proxy", Value = "yes" } } },
                AuthorizationResponse = new AuthorizationResponse { AllowedUpstreamHeaders = Names("x-user"), AllowedClientHeaders = Names("x-nothing") },
            },
            FailureModeAllow = failureModeAllow,
        };
        return _proxy.PushAsync([Eds(App), Eds(AuthCluster)], [Endpoints(App, _app.Port), Endpoints(AuthCluster, _auth.Port)],
            [Hcms.Listener("virtualInbound", _port, Hcms.Hcm("inbound", Hcms.Filter("envoy.filters.http.ext_authz", config)))],
            [Routes("inbound", Host("app", ["*"], routes.Length > 0 ? routes : [ToCluster(App)]))]);
    }

    [Fact]
    public async Task An_allowed_request_goes_on_with_the_servers_allowed_headers()
    {
        await ConfigureAsync();
        var answer = await RawHttp.GetAsync(_port, "/productpage?u=1", extraHeaders: "x-ext-authz: allow\r\nx-secret: s3cret\r\n");
        Assert.Equal(200, answer.Status);
        Assert.Equal("alice", answer.Header("x-seen-user"));
        Assert.Equal("GET ratings:9080 /check/productpage?u=1 secret= allow=allow added=yes", _lastCheck);
        Assert.Equal(1, _app.Requests);
    }

    [Fact]
    public async Task A_denial_passes_the_servers_status_body_and_allowed_headers_to_the_client()
    {
        await ConfigureAsync();
        var answer = await RawHttp.GetAsync(_port, "/productpage", extraHeaders: "x-ext-authz: deny\r\n");
        Assert.Equal(401, answer.Status);
        Assert.Equal("denied by ext-authz", answer.Body);
        Assert.Equal("Bearer", answer.Header("www-authenticate"));
        Assert.Null(answer.Header("x-auth-detail"));
        Assert.Equal(0, _app.Requests);
    }

    [Fact]
    public async Task No_answer_in_time_is_denied_with_403_unless_failure_mode_allow()
    {
        await ConfigureAsync();
        var answer = await RawHttp.GetAsync(_port, "/productpage", extraHeaders: "x-ext-authz: slow\r\n");
        Assert.Equal(403, answer.Status);
        Assert.Equal(0, _app.Requests);
        await ConfigureAsync(failureModeAllow: true);
        answer = await RawHttp.GetAsync(_port, "/productpage", extraHeaders: "x-ext-authz: slow\r\n");
        Assert.Equal(200, answer.Status);
        Assert.Equal("true", answer.Header("x-seen-failure-mode"));
    }

    [Fact]
    public async Task A_route_can_turn_the_check_off()
    {
        var open = ToCluster(App, "/health", "health");
        open.TypedPerFilterConfig["envoy.filters.http.ext_authz"] = Any.Pack(new ExtAuthzPerRoute { Disabled = true });
        await ConfigureAsync(false, open, ToCluster(App));
        Assert.Equal(200, (await RawHttp.GetAsync(_port, "/health")).Status);
        Assert.Equal(401, (await RawHttp.GetAsync(_port, "/productpage")).Status);
    }
}
