using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Trellis.Samples.GrpcGreeter.Server;

/// <summary>The greeter as an ASP.NET Core app: gRPC over cleartext HTTP/2 (h2c, prior knowledge) on
/// 127.0.0.1:$PORT. The endpoint is HTTP/2 only because Kestrel serves a cleartext Http1AndHttp2 endpoint as
/// HTTP/1.1, which gRPC cannot use; readiness is therefore a TCP probe in the manifests.</summary>
internal static class GreeterServer
{
    public static WebApplication Build(GreeterSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, settings.Port, o => o.Protocols = HttpProtocols.Http2));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(settings);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<GreeterService>();
        return app;
    }
}
