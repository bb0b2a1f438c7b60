using System.Threading.Channels;
using Google.Protobuf.Collections;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Trellis.Xds.Server;

/// <summary>What every ADS stream does, whichever variant of the protocol it speaks: authenticates the node of the
/// first request, registers it, and runs requests and snapshot changes on one loop, so the response stream is never
/// written concurrently and the variant's per-type state needs no locks.</summary>
/// <typeparam name="TRequest">The requests as read from the stream.</typeparam>
/// <typeparam name="TReceived">What the variant keeps of a request until it is handled.</typeparam>
internal abstract class AdsSession<TRequest, TReceived>(
    IAsyncStreamReader<TRequest> requests,
    XdsSnapshotCache cache,
    XdsConnectionRegistry registry,
    IXdsNodeObserver? observer,
    IXdsClientAuthenticator? authenticator,
    ServerCallContext context,
    ILogger logger)
    where TRequest : class
    where TReceived : class
{
    /// <summary>How many read requests may wait while the stream handles or sends. Beyond them the stream stops reading,
    /// and HTTP/2 flow control holds back a client that writes without reading responses: unbounded, its requests piled
    /// up in memory for as long as it kept going. A client sends a few requests per response, far fewer than this.</summary>
    internal const int QueuedRequests = 32;

    // Requests, and null for "the snapshot changed". A change is queued only when none is pending (_changed), so
    // however many arrive while the stream cannot send, they wait as one; one that finds the queue full is still seen,
    // as the loop checks _changed after every request.
    private readonly Channel<TReceived?> _events = Channel.CreateBounded<TReceived?>(
        new BoundedChannelOptions(QueuedRequests) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private int _changed;
    private bool _toldUnsupported;
    private static long _nonces;

    /// <summary>How many requests and changes wait to be handled.</summary>
    internal int Queued => _events.Reader.Count;

    protected XdsSnapshotCache Cache => cache;
    protected XdsConnectionRegistry Registry => registry;
    protected ILogger Logger => logger;

    /// <summary>The node this stream serves, known once the first request is read.</summary>
    protected NodeInfo Node { get; private set; } = null!;

    /// <summary>The node the first request names; null when it names none.</summary>
    protected abstract Envoy.Config.Core.V3.Node? NodeOf(TRequest request);

    /// <summary>Handles one request: a subscription change, an ACK or a NACK.</summary>
    protected abstract Task HandleAsync(TReceived request, CancellationToken ct);

    /// <summary>Takes what the stream needs of a request as soon as it is read, before it waits in the stream's queue.</summary>
    protected abstract TReceived Received(TRequest request);

    /// <summary>Swaps the resource names a request carries for the instances the node's snapshot holds. Every request
    /// repeats all the names it subscribes to, and may wait in the stream's queue while the stream sends: swapped as it
    /// is read, the request's copies die young instead of in the oldest generation, and subscriptions held by thousands
    /// of streams share one copy of each name (bench/cp-scale).</summary>
    protected void UseSnapshotNames(string typeUrl, RepeatedField<string> names)
    {
        if (names.Count == 0 || !cache.TryGet(Node.Id, out var snapshot)) return;
        for (var i = 0; i < names.Count; i++) names[i] = snapshot.Canonical(typeUrl, names[i]);
    }

    /// <summary>Notes a request for a type the server does not serve. It is ignored, as istiod does, since Envoy may ask
    /// for types a mesh has no use for; it is logged once per stream and shortened, as the client chooses what the
    /// type URL says and how often it asks.</summary>
    protected void UnsupportedType(string typeUrl)
    {
        if (_toldUnsupported) return;
        _toldUnsupported = true;
        const int Shown = 200;
        var shown = typeUrl.Length <= Shown ? typeUrl : string.Concat(typeUrl.AsSpan(0, Shown), "…");
        logger.LogWarning("{Node} asked for unsupported type {Type}; requests for unsupported types are ignored", Node.Id, shown);
    }

    /// <summary>Sends what changed in the node's snapshot.</summary>
    protected abstract Task PushChangedAsync(CancellationToken ct);

    protected static string NextNonce() => Interlocked.Increment(ref _nonces).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task RunAsync(CancellationToken ct)
    {
        if (!await requests.MoveNext(ct)) return;
        // Read in place, not into a local: this method runs as long as the stream, and would keep the request with it.
        if (NodeOf(requests.Current) is not { Id.Length: > 0 } node)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first request must carry node.id"));
        Node = NodeInfo.From(node);
        var identity = Authenticate(Node);
        Node = Node with { Identity = identity };
        var streams = registry.Connect(Node);
        using var watch = cache.Watch(Node.Id, SnapshotChanged);
        logger.LogInformation("xDS stream opened by {Node} ({Agent})", Node.Id, Node.UserAgent);
        using var expiry = new CancellationTokenSource();
        if (identity.ExpiresAt is { } expiresAt) expiry.CancelAfter(Max(expiresAt - DateTimeOffset.UtcNow, TimeSpan.Zero));
        using var open = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
        try
        {
            if (observer is not null && (streams == 1 || !cache.TryGet(Node.Id, out _))) await observer.OnConnectedAsync(Node, open.Token);
            await _events.Writer.WriteAsync(Received(requests.Current), open.Token);
            var reader = PumpRequestsAsync(open.Token);
            await foreach (var request in _events.Reader.ReadAllAsync(open.Token))
            {
                if (request is not null) await HandleAsync(request, open.Token);
                if (Interlocked.Exchange(ref _changed, 0) == 1) await PushChangedAsync(open.Token);
            }
            await reader;
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            logger.LogInformation("xDS stream of {Node} ended: its credential expired at {Expiry:u}", Node.Id, identity.ExpiresAt);
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"the credential that opened this stream expired at {identity.ExpiresAt:u}; reconnect with a fresh one"));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            logger.LogInformation("xDS stream closed by {Node}", Node.Id);
            if (registry.Disconnect(Node.Id)) observer?.OnDisconnected(Node);
            if (identity.IsAuthenticated) authenticator?.Released(Node, identity);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private XdsClientIdentity Authenticate(NodeInfo node)
    {
        if (authenticator is null) return XdsClientIdentity.Anonymous;
        try
        {
            return authenticator.Authenticate(node, context);
        }
        catch (RpcException e)
        {
            // Refused before anything is registered or served: the caller learns why, the log who tried.
            logger.LogWarning("xDS stream refused for node {Node} from {Peer}: {Reason}", node.Id, context.Peer, e.Status.Detail);
            throw;
        }
    }

    /// <summary>Called by the cache, on its thread: never waits.</summary>
    private void SnapshotChanged()
    {
        if (Interlocked.Exchange(ref _changed, 1) == 0) _events.Writer.TryWrite(null);
    }

    private async Task PumpRequestsAsync(CancellationToken ct)
    {
        try
        {
            while (await requests.MoveNext(ct))
            {
                await _events.Writer.WriteAsync(Received(requests.Current), ct);
            }
        }
        catch (Exception e) when (e is IOException or RpcException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away; ending the event loop below closes the stream.
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }
}
