using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Trellis.Xds.Server;

/// <summary>One state-of-the-world ADS stream: every response carries all of a type's resources the node subscribes to.</summary>
internal sealed class AdsStream(
    IAsyncStreamReader<DiscoveryRequest> requests,
    IServerStreamWriter<DiscoveryResponse> responses,
    XdsSnapshotCache cache,
    XdsConnectionRegistry registry,
    IXdsNodeObserver? observer,
    IXdsClientAuthenticator? authenticator,
    XdsSendGate gate,
    ServerCallContext context,
    ILogger logger) : AdsSession<DiscoveryRequest, AdsStream.ReadRequest>(requests, cache, registry, observer, authenticator, context, logger)
{
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);

    protected override Envoy.Config.Core.V3.Node? NodeOf(DiscoveryRequest request) => request.Node;

    protected override async Task HandleAsync(ReadRequest read, CancellationToken ct)
    {
        var (request, received) = read;
        var type = request.TypeUrl;
        if (received is null) throw XdsLimits.TooManyNames(type, request.ResourceNames.Count, request.ResourceNames.Sum(n => (long)n.Length));
        if (TypeUrls.ParserFor(type) is null)
        {
            UnsupportedType(type);
            return;
        }
        if (!_subscriptions.TryGetValue(type, out var sub)) _subscriptions[type] = sub = new Subscription();
        // A nonce answers a response of this stream, and only the latest one counts: an older one is stale and its
        // request is ignored. A nonce before this stream sent the type anything comes from an earlier stream (nonces
        // do not survive a reconnect): its request is a first one, as istiod and go-control-plane take it, rather
        // than one to ignore, which would leave the client waiting forever.
        var hasNonce = request.ResponseNonce.Length > 0 && sub.Nonce is not null;
        if (hasNonce && request.ResponseNonce != sub.Nonce) return;

        var nack = hasNonce && request.ErrorDetail is not null;
        if (nack)
        {
            Registry.Nacked(Node.Id, type, sub.SentVersion ?? "", request.ErrorDetail!.Message);
            Logger.LogWarning("{Node} rejected {Type} version {Version}: {Error}", Node.Id, TypeUrls.ShortName(type), sub.SentVersion, request.ErrorDetail.Message);
        }
        else if (hasNonce)
        {
            Registry.Acked(Node.Id, type, sub.SentVersion ?? "");
        }

        var names = sub.Subscribe(type, received);
        var changed = !sub.Active || !Subscription.SameNames(sub.Names, names);
        sub.Names = names;
        sub.Active = true;
        // After a NACK the same version is not sent again; a new version or a new subscription is.
        await PushAsync(type, force: changed || !hasNonce, ct);
    }

    /// <summary>Takes the names out of a request as soon as it is read. Every request repeats all the names it subscribes
    /// to (thousands, for endpoints), and may wait in the stream's queue while the stream sends: left in the request,
    /// their list would outlive the youngest generations and be garbage only in the oldest (bench/cp-scale).</summary>
    protected override ReadRequest Received(DiscoveryRequest request)
    {
        // Too many names are refused when the request is handled, and not indexed meanwhile: a set costs many times
        // the bytes a name takes on the wire. The request keeps them, to say how many there were.
        if (request.ResourceNames.Count > XdsLimits.MaxNamesPerType) return new ReadRequest(request, null);
        UseSnapshotNames(request.TypeUrl, request.ResourceNames);
        var names = SubscribedNames.Of(request.ResourceNames, Cache.TryGet(Node.Id, out var snapshot) ? snapshot.SetsOf(request.TypeUrl) : []);
        request.ResourceNames.Clear();
        request.ResourceNames.Capacity = 0;
        return new ReadRequest(request, names);
    }

    protected override async Task PushChangedAsync(CancellationToken ct)
    {
        foreach (var type in TypeUrls.PushOrder)
            if (_subscriptions.ContainsKey(type)) await PushAsync(type, force: false, ct);
    }

    private async Task PushAsync(string type, bool force, CancellationToken ct)
    {
        if (!Cache.TryGet(Node.Id, out var snapshot)) return;
        var sub = _subscriptions[type];
        if (!sub.Active) return;
        var version = snapshot.VersionOf(type) ?? "0";
        if (!force && version == sub.SentVersion) return;

        await SendAsync(type, sub, snapshot, version, ct);

        // Envoy re-requests endpoints and routes of updated clusters and listeners; answer those
        // right away instead of leaving them warming until a timeout.
        if (type == TypeUrls.Cluster && _subscriptions.ContainsKey(TypeUrls.ClusterLoadAssignment))
            await PushAsync(TypeUrls.ClusterLoadAssignment, force: true, ct);
        if (type == TypeUrls.Listener && _subscriptions.ContainsKey(TypeUrls.RouteConfiguration))
            await PushAsync(TypeUrls.RouteConfiguration, force: true, ct);
    }

    /// <summary>Sends one response. Kept apart from the pushes that follow it, so that it is not held while they wait.</summary>
    private async Task SendAsync(string type, Subscription sub, XdsSnapshot snapshot, string version, CancellationToken ct)
    {
        var names = sub.Names;
        var response = (await gate.SendAsync(responses, () => Compose(snapshot, type, version, names), ct))!;
        sub.SentVersion = version;
        sub.Nonce = response.Nonce;
        var bytes = 0L;
        foreach (var packed in response.Resources) bytes += packed.Value.Length;
        Registry.Sent(Node.Id, type, version, response.Nonce, new SentSize(response.Resources.Count, bytes));
    }

    private DiscoveryResponse Compose(XdsSnapshot snapshot, string type, string version, SubscribedNames? names)
    {
        var response = new DiscoveryResponse { TypeUrl = type, VersionInfo = version, Nonce = NextNonce() };
        // A resource instance is serialized and packed once, and shared by every node whose snapshot holds it.
        foreach (var resource in snapshot.Resources(type, names))
            response.Resources.Add(resource.Packed);
        return response;
    }

    /// <summary>A request as the stream keeps it: its names taken out as it was read, or null when it named more than a
    /// stream may subscribe to.</summary>
    internal sealed record ReadRequest(DiscoveryRequest Request, SubscribedNames? Names);

    private sealed class Subscription
    {
        private bool _named;

        public bool Active { get; set; }
        public SubscribedNames? Names { get; set; }
        public string? SentVersion { get; set; }
        public string? Nonce { get; set; }

        /// <summary>The names a request subscribes to, or null for the wildcard. Listeners and clusters are wildcard when
        /// the request names "*", or, as the protocol's legacy form, while no request of the type on this stream has
        /// named anything: once one has, an empty list unsubscribes from everything instead (xDS protocol, "How the
        /// client specifies what resources to return"). Other types have no wildcard: "*" is just a name there.</summary>
        public SubscribedNames? Subscribe(string type, SubscribedNames received)
        {
            if (!TypeUrls.HasWildcard(type)) return received;
            if (received.Count == 0) return _named ? received : null;
            _named = true;
            // The wildcard already holds every resource of the node's snapshot, so the names beside it add nothing.
            return received.Contains(TypeUrls.WildcardName) ? null : received;
        }

        public static bool SameNames(SubscribedNames? a, SubscribedNames? b) =>
            a is null ? b is null : b is not null && a.SetEquals(b);
    }
}
