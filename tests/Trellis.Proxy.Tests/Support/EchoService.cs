using Grpc.Core;
using Trellis.Proxy.Tests.Grpc;

namespace Trellis.Proxy.Tests.Support;

/// <summary>The gRPC service behind the proxy in tests: unary with a trailer (or a failure on request),
/// and bidirectional streaming that upper-cases each message.</summary>
internal sealed class EchoService : Echo.EchoBase
{
    public override Task<Message> Say(Message request, ServerCallContext context)
    {
        context.ResponseTrailers.Add("x-echo-trailer", "present");
        if (request.Text == "fail") throw new RpcException(new Status(StatusCode.FailedPrecondition, "asked to fail"));
        return Task.FromResult(new Message { Text = "echo: " + request.Text });
    }

    public override async Task Chat(IAsyncStreamReader<Message> requestStream, IServerStreamWriter<Message> responseStream, ServerCallContext context)
    {
        await foreach (var m in requestStream.ReadAllAsync(context.CancellationToken))
            await responseStream.WriteAsync(new Message { Text = m.Text.ToUpperInvariant() });
    }
}
