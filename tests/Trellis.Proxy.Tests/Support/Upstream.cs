using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Trellis.Proxy.Tests.Support;

/// <summary>A small upstream app on loopback that echoes what it received and can be told to fail.</summary>
internal sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    public int Port { get; }
    public string Name { get; }
    public int Requests;

    private Upstream(WebApplication app, int port, string name)
    {
        _app = app;
        Port = port;
        Name = name;
    }

    /// <summary>The next <paramref name="count"/> requests to /flaky answer 503.</summary>
    public void FailNext(int count) => _failuresLeft = count;

    public static async Task<Upstream> StartAsync(string name, Action<WebApplication>? extra = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AllowAlternateSchemes = true;
            k.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = HttpProtocols.Http1AndHttp2;
                o.Use(Trellis.Proxy.Listeners.H2cPriorKnowledge.Middleware);
            });
        });
        var app = builder.Build();
        Upstream? self = null;
        app.Use(async (ctx, next) =>
        {
            Interlocked.Increment(ref self!.Requests);
            await next(ctx);
        });
        app.MapGet("/slow", async ctx =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ctx.RequestAborted);
            await ctx.Response.WriteAsync("slow");
        });
        app.MapGet("/flaky", async ctx =>
        {
            if (Interlocked.Decrement(ref self!._failuresLeft) >= 0) ctx.Response.StatusCode = 503;
            await ctx.Response.WriteAsync(self.Name);
        });
        extra?.Invoke(app);
        app.MapFallback(async ctx =>
        {
            ctx.Response.Headers["x-upstream"] = name;
            ctx.Response.Headers["x-seen-host"] = ctx.Request.Host.Value;
            ctx.Response.Headers["x-seen-path"] = ctx.Request.Path.Value + ctx.Request.QueryString.Value;
            ctx.Response.Headers["x-seen-protocol"] = ctx.Request.Protocol;
            foreach (var h in new[] { "x-request-id", "x-envoy-peer-metadata", "x-added", "end-user", "proxy-connection" })
                if (ctx.Request.Headers.TryGetValue(h, out var v)) ctx.Response.Headers["x-seen-" + h] = v;
            await ctx.Response.WriteAsync(name);
        });
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        self = new Upstream(app, port, name);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
