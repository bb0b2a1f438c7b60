using System.Collections.Concurrent;
using System.Net;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trellis.Xds.Server;

namespace Trellis.Xds.Tests.Support;

/// <summary>Our ADS server hosted in-process on 127.0.0.1 over h2c; its observer gives each connecting
/// node the snapshot <c>snapshotFor</c> returns and records connects and disconnects in <c>events</c>.</summary>
internal sealed class XdsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private XdsTestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public Uri Address => new($"http://127.0.0.1:{Port}");
    public XdsSnapshotCache Cache => _app.Services.GetRequiredService<XdsSnapshotCache>();
    public XdsConnectionRegistry Registry => _app.Services.GetRequiredService<XdsConnectionRegistry>();

    /// <summary>Every DiscoveryRequest this server received, in order.</summary>
    public RequestLog Requests => _app.Services.GetRequiredService<RequestLog>();

    /// <summary>Starts on <paramref name="port"/> (0 picks a free one).</summary>
    public static async Task<XdsTestServer> StartAsync(Func<NodeInfo, XdsSnapshot?> snapshotFor, ConcurrentQueue<string>? events = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddTrellisXdsServer();
        builder.Services.AddSingleton<RequestLog>();
        builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<RecordingInterceptor>());
        builder.Services.AddSingleton<IXdsNodeObserver>(sp => new TestObserver(sp.GetRequiredService<XdsSnapshotCache>(), snapshotFor, events ?? new()));
        var app = builder.Build();
        app.MapTrellisXds();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new XdsTestServer(app, new Uri(bound).Port);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
