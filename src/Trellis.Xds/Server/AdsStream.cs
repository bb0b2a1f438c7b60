using System.Threading.Channels;
using Envoy.Service.Discovery.V3;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Trellis.Xds.Server;

/// <summary>One state-of-the-world ADS stream. Requests and snapshot changes are handled on one loop,
/// so the response stream is never written concurrently and per-type state needs no locks.</summary>
internal sealed class AdsStream(
    IAsyncStreamReader<DiscoveryRequest> requests,
    IServerStreamWriter<DiscoveryResponse> responses,
    XdsSnapshotCache cache,
    XdsConnectionRegistry registry,
    IXdsNodeObserver? observer,
    IXdsClientAuthenticator? authenticator,
    ServerCallContext context,
    ILogger logger)
{
    private static long _nonces;
    private readonly Channel<DiscoveryRequest?> _events = Channel.CreateUnbounded<DiscoveryRequest?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private NodeInfo? _node;

    public async Task RunAsync(CancellationToken ct)
    {
        if (!await requests.MoveNext(ct)) return;
        var first = requests.Current;
        if (first.Node is null || string.IsNullOrEmpty(first.Node.Id))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first DiscoveryRequest must carry node.id"));
        _node = NodeInfo.From(first.Node);
        var identity = Authenticate(_node);
        _node = _node with { Identity = identity };
        var streams = registry.Connect(_node);
        using var watch = cache.Watch(_node.Id, () => _events.Writer.TryWrite(null));
        logger.LogInformation("xDS stream opened by {Node} ({Agent})", _node.Id, _node.UserAgent);
        using var expiry = new CancellationTokenSource();
        if (identity.ExpiresAt is { } expiresAt) expiry.CancelAfter(Max(expiresAt - DateTimeOffset.UtcNow, TimeSpan.Zero));
        using var open = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
        try
        {
            if (streams == 1 || !cache.TryGet(_node.Id, out _)) observer?.OnConnected(_node);
            _events.Writer.TryWrite(first);
            var reader = PumpRequestsAsync(open.Token);
            await foreach (var request in _events.Reader.ReadAllAsync(open.Token))
            {
                if (request is null) await PushChangedAsync(open.Token);
                else await HandleAsync(request, open.Token);
            }
            await reader;
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            logger.LogInformation("xDS stream of {Node} ended: its credential expired at {Expiry:u}", _node.Id, identity.ExpiresAt);
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"the credential that opened this stream expired at {identity.ExpiresAt:u}; reconnect with a fresh one"));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            logger.LogInformation("xDS stream closed by {Node}", _node.Id);
            if (registry.Disconnect(_node.Id)) observer?.OnDisconnected(_node);
            if (identity.IsAuthenticated) authenticator?.Released(_node, identity);
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

    private async Task PumpRequestsAsync(CancellationToken ct)
    {
        try
        {
            while (await requests.MoveNext(ct)) _events.Writer.TryWrite(requests.Current);
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

    private async Task HandleAsync(DiscoveryRequest request, CancellationToken ct)
    {
        var type = request.TypeUrl;
        if (TypeUrls.ParserFor(type) is null)
        {
            logger.LogWarning("{Node} asked for unsupported type {Type}", _node!.Id, type);
            return;
        }
        if (!_subscriptions.TryGetValue(type, out var sub)) _subscriptions[type] = sub = new Subscription();
        var hasNonce = request.ResponseNonce.Length > 0;
        if (hasNonce && request.ResponseNonce != sub.Nonce) return;

        var nack = hasNonce && request.ErrorDetail is not null;
        if (nack)
        {
            registry.Nacked(_node!.Id, type, sub.SentVersion ?? "", request.ErrorDetail!.Message);
            logger.LogWarning("{Node} rejected {Type} version {Version}: {Error}", _node.Id, TypeUrls.ShortName(type), sub.SentVersion, request.ErrorDetail.Message);
        }
        else if (hasNonce)
        {
            registry.Acked(_node!.Id, type, sub.SentVersion ?? "");
        }

        var wildcard = request.ResourceNames.Count == 0 && type is TypeUrls.Listener or TypeUrls.Cluster;
        var names = wildcard ? null : request.ResourceNames.ToHashSet(StringComparer.Ordinal);
        var changed = !sub.Active || !Subscription.SameNames(sub.Names, names);
        sub.Names = names;
        sub.Active = true;
        // After a NACK the same version is not sent again; a new version or a new subscription is.
        await PushAsync(type, force: changed || !hasNonce, ct);
    }

    private async Task PushChangedAsync(CancellationToken ct)
    {
        foreach (var type in TypeUrls.PushOrder)
            if (_subscriptions.ContainsKey(type)) await PushAsync(type, force: false, ct);
    }

    private async Task PushAsync(string type, bool force, CancellationToken ct)
    {
        if (!cache.TryGet(_node!.Id, out var snapshot)) return;
        var sub = _subscriptions[type];
        if (!sub.Active) return;
        var version = snapshot.VersionOf(type) ?? "0";
        if (!force && version == sub.SentVersion) return;

        var response = new DiscoveryResponse
        {
            TypeUrl = type,
            VersionInfo = version,
            Nonce = Interlocked.Increment(ref _nonces).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var bytes = 0L;
        foreach (var resource in snapshot.Resources(type, sub.Names))
        {
            var packed = Any.Pack(resource);
            bytes += packed.Value.Length;
            response.Resources.Add(packed);
        }
        await responses.WriteAsync(response, ct);
        sub.SentVersion = version;
        sub.Nonce = response.Nonce;
        registry.Sent(_node.Id, type, version, response.Nonce, new SentSize(response.Resources.Count, bytes));

        // Envoy re-requests endpoints and routes of updated clusters and listeners; answer those
        // right away instead of leaving them warming until a timeout.
        if (type == TypeUrls.Cluster && _subscriptions.ContainsKey(TypeUrls.ClusterLoadAssignment))
            await PushAsync(TypeUrls.ClusterLoadAssignment, force: true, ct);
        if (type == TypeUrls.Listener && _subscriptions.ContainsKey(TypeUrls.RouteConfiguration))
            await PushAsync(TypeUrls.RouteConfiguration, force: true, ct);
    }

    private sealed class Subscription
    {
        public bool Active { get; set; }
        public HashSet<string>? Names { get; set; }
        public string? SentVersion { get; set; }
        public string? Nonce { get; set; }

        public static bool SameNames(HashSet<string>? a, HashSet<string>? b) =>
            a is null ? b is null : b is not null && a.SetEquals(b);
    }
}
