using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trellis.Conformance;

namespace Trellis.Xds.Tests.Conformance;

/// <summary>One version of the reviews gRPC service on 127.0.0.1 (h2c), answering its version and counting calls.</summary>
internal sealed class ReviewsBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Counter _counter;

    private ReviewsBackend(WebApplication app, int port, Counter counter)
    {
        _app = app;
        Port = port;
        _counter = counter;
    }

    public int Port { get; }
    public int Calls => _counter.Value;

    public static async Task<ReviewsBackend> StartAsync(string version)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        var counter = new Counter();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new Service(version, counter));
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ReviewsBackend(app, new Uri(bound).Port, counter);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private sealed class Counter
    {
        private int _value;
        public int Value => Volatile.Read(ref _value);
        public void Increment() => Interlocked.Increment(ref _value);
    }

    private sealed class Service(string version, Counter counter) : Reviews.ReviewsBase
    {
        public override Task<WhoamiReply> Whoami(WhoamiRequest request, ServerCallContext context)
        {
            counter.Increment();
            return Task.FromResult(new WhoamiReply { Version = version });
        }
    }
}
