using Grpc.Core;

namespace Trellis.Xds.Tests.Support;

/// <summary>The call context of a stream driven in-process, without a network: enough for a session, which reads only
/// its peer and cancellation.</summary>
internal sealed class InProcessCallContext(CancellationToken cancellation) : ServerCallContext
{
    protected override string MethodCore => "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";
    protected override string HostCore => "localhost";
    protected override string PeerCore => "ipv4:127.0.0.1:1";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore { get; } = [];
    protected override CancellationToken CancellationTokenCore => cancellation;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

/// <summary>A hostile client's requests: the first one, then copies of <c>next</c> as fast as the server reads them,
/// up to <c>limit</c>; counts how many the server read.</summary>
internal sealed class EndlessRequests<T>(T first, Func<T> next, int limit) : IAsyncStreamReader<T> where T : class
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public T Current { get; private set; } = null!;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        var read = Interlocked.Increment(ref _reads);
        if (read > limit)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return false;
        }
        Current = read == 1 ? first : next();
        return true;
    }
}

/// <summary>A client that never reads: every write waits until the stream is cancelled.</summary>
internal sealed class UnreadResponses<T> : IServerStreamWriter<T>
{
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
