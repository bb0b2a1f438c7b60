using System.Collections.Concurrent;
using System.Net;
using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Envoy.Type.V3;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>Istio's mirroring task, one proxy: every request to httpbin v1 is copied to v2 with "-shadow" on its host;
/// v2's answer, however slow or failed, never reaches the client.</summary>
public sealed class RequestMirrorTests : IAsyncLifetime
{
    private const string V1 = "outbound|8000|v1|httpbin.default.svc.cluster.local";
    private const string V2 = "outbound|8000|v2|httpbin.default.svc.cluster.local";
    private readonly ConcurrentQueue<(string Method, string Path, string Host, string Body, string? User)> _mirrored = new();
    private readonly TaskCompletionSource _releaseSlow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestProxy _proxy = null!;
    private Upstream _v1 = null!;
    private Upstream _v2 = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _v1 = await Upstream.StartAsync("v1", app => app.MapPost("/post", async (HttpContext ctx) =>
            await ctx.Response.WriteAsync("v1 got " + await new StreamReader(ctx.Request.Body).ReadToEndAsync())));
        _v2 = await Upstream.StartAsync("v2", app => app.Use(async (HttpContext ctx, RequestDelegate next) =>
        {
            _mirrored.Enqueue((ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, ctx.Request.Host.Value ?? "",
                await new StreamReader(ctx.Request.Body).ReadToEndAsync(), ctx.Request.Headers["end-user"].FirstOrDefault()));
            if (ctx.Request.Path == "/slow-mirror") await _releaseSlow.Task.WaitAsync(TimeSpan.FromSeconds(30));
            ctx.Response.StatusCode = 500;
        }));
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        _releaseSlow.TrySetResult();
        await _proxy.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    private Task ConfigureAsync(params RouteAction.Types.RequestMirrorPolicy[] mirrors)
    {
        var route = ToCluster(V1);
        route.Route_.RequestMirrorPolicies.Add(mirrors);
        return _proxy.PushAsync([Eds(V1), Eds(V2)], [Endpoints(V1, _v1.Port), Endpoints(V2, _v2.Port)], [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("httpbin", ["httpbin:8000"], route))]);
    }

    private static RouteAction.Types.RequestMirrorPolicy Mirror(uint? percent = null) => new()
    {
        Cluster = V2,
        RuntimeFraction = percent is { } p ? new RuntimeFractionalPercent { DefaultValue = new FractionalPercent { Numerator = p, Denominator = FractionalPercent.Types.DenominatorType.Hundred } } : null,
    };

    [Fact]
    public async Task A_mirrored_request_reaches_the_mirror_with_its_method_path_headers_body_and_a_shadow_host()
    {
        await ConfigureAsync(Mirror());
        using var client = TestProxy.ClientVia(_port);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://httpbin:8000/post?x=1") { Content = new StringContent("hello") };
        request.Headers.Add("end-user", "jason");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v1 got hello", await response.Content.ReadAsStringAsync());
        await Wait.UntilAsync(() => !_mirrored.IsEmpty);
        var copy = Assert.Single(_mirrored);
        Assert.Equal(("POST", "/post?x=1", "httpbin-shadow:8000", "hello", "jason"), copy);
    }

    [Fact]
    public async Task A_slow_or_failing_mirror_changes_nothing_for_the_client()
    {
        await ConfigureAsync(Mirror());
        using var client = TestProxy.ClientVia(_port);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.GetAsync("http://httpbin:8000/slow-mirror").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v1", response.Headers.GetValues("x-upstream").Single());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the client waited {clock.Elapsed} for the mirror");
        await Wait.UntilAsync(() => !_mirrored.IsEmpty);
    }

    [Fact]
    public async Task A_zero_fraction_mirrors_nothing_and_a_full_one_mirrors_every_request()
    {
        await ConfigureAsync(Mirror(percent: 0));
        using var client = TestProxy.ClientVia(_port);
        for (var i = 0; i < 20; i++) (await client.GetAsync("http://httpbin:8000/get")).Dispose();
        await Task.Delay(200);
        Assert.Empty(_mirrored);

        await ConfigureAsync(Mirror(percent: 100));
        for (var i = 0; i < 20; i++) (await client.GetAsync("http://httpbin:8000/get")).Dispose();
        await Wait.UntilAsync(() => _mirrored.Count == 20);
    }

    [Fact]
    public void The_shadow_suffix_goes_on_the_host_name_before_any_port()
    {
        Assert.Equal("reviews-shadow:9080", RequestMirror.Shadow("reviews:9080"));
        Assert.Equal("reviews.bookinfo.svc.cluster.local-shadow", RequestMirror.Shadow("reviews.bookinfo.svc.cluster.local"));
        Assert.Equal("[::1]-shadow:8080", RequestMirror.Shadow("[::1]:8080"));
    }
}
