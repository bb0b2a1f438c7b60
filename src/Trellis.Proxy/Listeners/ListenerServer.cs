using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.TcpProxy;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Listeners;

/// <summary>One bound socket: a Kestrel server speaking HTTP/1.1 and h2c on the listener's address. Each connection
/// gets its filter chain first, then a tcp_proxy chain takes the connection whole, CONNECT tunnels are taken before Kestrel parses anything; every request goes
/// to the connection manager under the listener's current name.</summary>
internal sealed class ListenerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile string _name;

    public string BindKey { get; }
    public string Name { get => _name; set => _name = value; }

    private ListenerServer(WebApplication app, string name, string bindKey)
    {
        _app = app;
        _name = name;
        BindKey = bindKey;
    }

    public static async Task<ListenerServer> StartAsync(ListenerModel model, ConnectionManager manager, ConnectTunnel tunnel, TcpProxyHandler tcpProxy, ILoggerFactory loggers, CancellationToken ct)
    {
        ListenerServer? server = null;
        var builder = ProxyWebHost.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        // Where the sockets complete on the event loops, requests run there too, up to their first real wait.
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = EventLoops.Inline);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.AllowHostHeaderOverride = true;
            // h2c connections look like TLS to Kestrel (see H2cPriorKnowledge) and carry :scheme "http".
            k.AllowAlternateSchemes = true;
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
            k.Listen(IPAddress.Parse(model.Address!), model.Port, o =>
            {
                o.Protocols = HttpProtocols.Http1AndHttp2;
                o.Use(FilterChainSelection.ForListener(manager.Snapshots, () => server!.Name));
                o.Use(tcpProxy.Middleware(() => server!.Name));
                o.Use(tunnel.Middleware(() => server!.Name));
                o.Use(FilterChainSelection.ForTunnels(manager.Snapshots));
                o.Use(H2cPriorKnowledge.Middleware);
            });
        });
        var app = builder.Build();
        server = new ListenerServer(app, model.Name, model.BindKey);
        app.Run(http => manager.HandleAsync(http, server.Name));
        await app.StartAsync(ct);
        return server;
    }

    /// <summary>Stops accepting connections and lets in-flight requests finish within <paramref name="drain"/>.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        using var cts = new CancellationTokenSource(drain);
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
