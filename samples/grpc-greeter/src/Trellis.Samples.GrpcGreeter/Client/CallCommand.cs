using System.Net;
using Grpc.Core;
using Grpc.Net.Client;

namespace Trellis.Samples.GrpcGreeter.Client;

/// <summary>`grpc-greeter call`: a real gRPC client (Grpc.Net.Client) that goes out through the pod's proxy
/// (<c>HTTP_PROXY</c>) and prints one line per reply, <c>version=v1 pod=... seq=1 message="Hello world" end-user=jason</c>,
/// so a shell or a test can count where calls landed. Failed calls print <c>error status=... detail="..."</c>;
/// the exit code is 1 when any call failed. All unary calls share one channel (one HTTP/2 connection), so
/// per-call routing is the mesh's doing, not the client's.</summary>
internal static class CallCommand
{
    public static async Task<int> RunAsync(CallArguments arguments, IWebProxy proxy, TextWriter output, TextWriter diagnostics)
    {
        using var channel = GrpcChannel.ForAddress($"http://{arguments.Target}", new GrpcChannelOptions
        {
            HttpHandler = ProxyTunnel.Handler(proxy),
        });
        var client = new Greeter.GreeterClient(channel);
        var headers = new Metadata();
        foreach (var (key, value) in arguments.Headers) headers.Add(key, value);
        return arguments.Stream is { } count
            ? await StreamAsync(client, arguments, headers, count, output)
            : await UnaryAsync(client, arguments, headers, output, diagnostics);
    }

    private static async Task<int> UnaryAsync(Greeter.GreeterClient client, CallArguments arguments, Metadata headers, TextWriter output, TextWriter diagnostics)
    {
        var versions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failed = 0;
        for (var i = 0; i < arguments.Count; i++)
        {
            try
            {
                var reply = await client.SayHelloAsync(new HelloRequest { Name = arguments.Name }, headers, Deadline(arguments));
                output.WriteLine(Format(reply));
                versions[reply.Version] = versions.GetValueOrDefault(reply.Version) + 1;
            }
            catch (RpcException e)
            {
                output.WriteLine(Format(e.Status));
                failed++;
            }
        }
        var tally = versions.Select(v => $"{v.Key}={v.Value}").Append(failed > 0 ? $"failed={failed}" : null).OfType<string>();
        diagnostics.WriteLine($"{arguments.Count} call(s): {string.Join(" ", tally)}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>One server-streaming call: a line per reply, then the final status and the trailers, which is
    /// how a user sees that the stream ended cleanly (and not only that messages arrived).</summary>
    private static async Task<int> StreamAsync(Greeter.GreeterClient client, CallArguments arguments, Metadata headers, int count, TextWriter output)
    {
        using var call = client.SayHelloStream(new HelloRequest { Name = arguments.Name, Count = count }, headers, Deadline(arguments));
        var received = 0;
        try
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                output.WriteLine(Format(reply));
                received++;
            }
        }
        catch (RpcException e)
        {
            output.WriteLine(Format(e.Status));
            return 1;
        }
        var trailers = call.GetTrailers().Where(t => !t.IsBinary).Select(t => $"{t.Key}={t.Value}");
        output.WriteLine($"status={call.GetStatus().StatusCode} received={received} trailers: {string.Join(" ", trailers)}");
        return received == count ? 0 : 1;
    }

    private static DateTime Deadline(CallArguments arguments) => DateTime.UtcNow + arguments.Timeout;

    public static string Format(HelloReply reply)
    {
        var metadata = reply.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $" {m.Key}={m.Value}");
        return $"version={reply.Version} pod={reply.Pod} seq={reply.Sequence} message=\"{reply.Message}\"{string.Concat(metadata)}";
    }

    private static string Format(Status status) => $"error status={status.StatusCode} detail=\"{status.Detail}\"";
}
