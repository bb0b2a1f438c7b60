using System.Collections.Concurrent;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Trellis.Xds.Tests.Support;

/// <summary>Every DiscoveryRequest the server received, in order.</summary>
internal sealed class RequestLog
{
    private readonly ConcurrentQueue<DiscoveryRequest> _requests = new();

    public IReadOnlyList<DiscoveryRequest> All => _requests.ToArray();

    public void Add(DiscoveryRequest request) => _requests.Enqueue(request.Clone());
}

/// <summary>Records the requests of duplex streams before the service sees them.</summary>
internal sealed class RecordingInterceptor(RequestLog log) : Interceptor
{
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new Reader<TRequest>(requestStream, log), responseStream, context);

    private sealed class Reader<T>(IAsyncStreamReader<T> inner, RequestLog log) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var more = await inner.MoveNext(cancellationToken);
            if (more && inner.Current is DiscoveryRequest request) log.Add(request);
            return more;
        }
    }
}
