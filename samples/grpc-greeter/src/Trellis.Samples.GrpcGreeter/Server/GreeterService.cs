using Grpc.Core;

namespace Trellis.Samples.GrpcGreeter.Server;

/// <summary>helloworld.Greeter: every reply says which version and pod answered, and echoes the configured
/// request metadata, so routing by weight or by header is visible per call. The version also travels as a
/// response header and trailer (<c>greeter-version</c>), which lets a client check that trailers arrived.</summary>
internal sealed class GreeterService(GreeterSettings settings, ILogger<GreeterService> log) : Greeter.GreeterBase
{
    public const string VersionMetadata = "greeter-version";

    public override async Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync([new Metadata.Entry(VersionMetadata, settings.Version)]);
        context.ResponseTrailers.Add(VersionMetadata, settings.Version);
        log.LogInformation("SayHello name={Name} from {Peer}", request.Name, context.Peer);
        return Reply(request, context, sequence: 1);
    }

    public override async Task SayHelloStream(HelloRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync([new Metadata.Entry(VersionMetadata, settings.Version)]);
        var count = Math.Max(1, request.Count);
        log.LogInformation("SayHelloStream name={Name} count={Count} from {Peer}", request.Name, count, context.Peer);
        for (var i = 1; i <= count; i++)
            await responseStream.WriteAsync(Reply(request, context, i), context.CancellationToken);
        context.ResponseTrailers.Add(VersionMetadata, settings.Version);
    }

    private HelloReply Reply(HelloRequest request, ServerCallContext context, int sequence)
    {
        var reply = new HelloReply
        {
            Message = $"Hello {request.Name}",
            Version = settings.Version,
            Pod = settings.Pod,
            Sequence = sequence,
        };
        foreach (var name in settings.EchoMetadata)
        {
            if (context.RequestHeaders.GetValue(name) is { } value) reply.Metadata[name] = value;
        }
        return reply;
    }
}
