using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Trellis.Xds.Server;

/// <summary>One incremental (delta) ADS stream: each response carries only the resources whose version differs from
/// what the node has, and the names of those it must drop. Listeners and clusters are wildcard subscriptions (an
/// empty first subscribe, or "*"); routes, endpoints and secrets are subscribed by name. A reconnecting node announces
/// what it has (initial_resource_versions), so an unchanged resource is not sent again.</summary>
internal sealed class DeltaAdsStream(
    IAsyncStreamReader<DeltaDiscoveryRequest> requests,
    IServerStreamWriter<DeltaDiscoveryResponse> responses,
    XdsSnapshotCache cache,
    XdsConnectionRegistry registry,
    IXdsNodeObserver? observer,
    IXdsClientAuthenticator? authenticator,
    XdsSendGate gate,
    ServerCallContext context,
    ILogger logger) : AdsSession<DeltaDiscoveryRequest, DeltaDiscoveryRequest>(requests, cache, registry, observer, authenticator, context, logger)
{
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);

    protected override Envoy.Config.Core.V3.Node? NodeOf(DeltaDiscoveryRequest request) => request.Node;

    protected override async Task HandleAsync(DeltaDiscoveryRequest request, CancellationToken ct)
    {
        var type = request.TypeUrl;
        if (TypeUrls.ParserFor(type) is null)
        {
            UnsupportedType(type);
            return;
        }
        var first = !_subscriptions.TryGetValue(type, out var sub);
        if (sub is null)
        {
            _subscriptions[type] = sub = new Subscription
            {
                // The legacy form of a wildcard subscription: the first request of a wildcard type names nothing at all.
                Wildcard = TypeUrls.HasWildcard(type) && request.ResourceNamesSubscribe.Count == 0 && request.ResourceNamesUnsubscribe.Count == 0,
            };
            foreach (var (name, version) in request.InitialResourceVersions) sub.Known[name] = version;
        }
        var changed = first;
        foreach (var name in request.ResourceNamesSubscribe)
        {
            if (name == TypeUrls.WildcardName && TypeUrls.HasWildcard(type))
            {
                changed |= !sub.Wildcard;
                sub.Wildcard = true;
                continue;
            }
            if (sub.Names.Add(name)) sub.NameChars += name.Length;
            // A name is owed an answer even when the node seems to hold it already, since it may have forgotten it
            // (xDS protocol, "Subscribing to Resources"). What a first request says it holds
            // (initial_resource_versions) stands, though: that is how a reconnecting node avoids the resend.
            if (!first) sub.Known.Remove(name);
            sub.Unanswered.Add(name);
            changed = true;
        }
        foreach (var name in request.ResourceNamesUnsubscribe)
        {
            if (name == TypeUrls.WildcardName && TypeUrls.HasWildcard(type))
            {
                sub.Wildcard = false;
                continue;
            }
            var named = sub.Names.Remove(name);
            if (named) sub.NameChars -= name.Length;
            sub.Unanswered.Remove(name);
            sub.Known.Remove(name);
            if (named && sub.Wildcard)
            {
                // The node cannot tell whether the wildcard still holds what it stopped naming, so the protocol has the
                // server say: the resource again if it does, its removal if not ("Unsubscribing from Resources").
                sub.Unanswered.Add(name);
                changed = true;
            }
        }
        // Names add up request by request here, so a stream could otherwise be made to hold any number of them.
        if (sub.Names.Count > XdsLimits.MaxNamesPerType || sub.NameChars > XdsLimits.MaxNameCharsPerType)
            throw XdsLimits.TooManyNames(type, sub.Names.Count, sub.NameChars);

        if (request.ResponseNonce.Length > 0 && request.ResponseNonce == sub.Nonce)
        {
            if (request.ErrorDetail is { } error)
            {
                // The node kept what it had: what it rejected is unknown to it, and goes out again with the next version.
                foreach (var name in sub.LastSent) sub.Known.Remove(name);
                Registry.Nacked(Node.Id, type, sub.SentVersion ?? "", error.Message);
                Logger.LogWarning("{Node} rejected {Type} version {Version}: {Error}", Node.Id, TypeUrls.ShortName(type), sub.SentVersion, error.Message);
            }
            else
            {
                Registry.Acked(Node.Id, type, sub.SentVersion ?? "");
            }
        }
        if (changed) await PushAsync(type, ct);
    }

    protected override DeltaDiscoveryRequest Received(DeltaDiscoveryRequest request)
    {
        UseSnapshotNames(request.TypeUrl, request.ResourceNamesSubscribe);
        return request;
    }

    protected override async Task PushChangedAsync(CancellationToken ct)
    {
        foreach (var type in TypeUrls.PushOrder)
            if (_subscriptions.ContainsKey(type)) await PushAsync(type, ct);
    }

    private async Task PushAsync(string type, CancellationToken ct)
    {
        if (!Cache.TryGet(Node.Id, out var snapshot)) return;
        var sub = _subscriptions[type];
        if (await gate.SendAsync(responses, () => Compose(snapshot, type, sub), ct) is not { } response) return;
        foreach (var resource in response.Resources) sub.Known[resource.Name] = resource.Version;
        sub.LastSent = response.Resources.Select(r => r.Name).ToList();
        foreach (var name in response.RemovedResources) sub.Known.Remove(name);
        sub.Unanswered.Clear();
        sub.Responded = true;
        sub.Nonce = response.Nonce;
        sub.SentVersion = response.SystemVersionInfo;
        // What the node holds after this response, not what the response carried: the size proxy-status reports.
        var held = sub.Known.Keys.Select(name => snapshot.Find(type, name)).OfType<XdsResource>().ToList();
        Registry.Sent(Node.Id, type, response.SystemVersionInfo, response.Nonce, new SentSize(held.Count, held.Sum(r => (long)r.Bytes.Length)));
    }

    /// <summary>What the node lacks of the type, and what it holds that is gone; null when that is nothing new.</summary>
    private DeltaDiscoveryResponse? Compose(XdsSnapshot snapshot, string type, Subscription sub)
    {
        var response = new DeltaDiscoveryResponse { TypeUrl = type, SystemVersionInfo = snapshot.VersionOf(type) ?? "0" };
        var wanted = sub.Wildcard ? snapshot.NamesOf(type).Concat(sub.Names).Distinct(StringComparer.Ordinal) : sub.Names;
        foreach (var name in wanted.Order(StringComparer.Ordinal))
        {
            if (snapshot.Find(type, name) is not { } resource) continue;
            if (sub.Known.TryGetValue(name, out var known) && known == resource.Version) continue;
            response.Resources.Add(new Resource { Name = name, Version = resource.Version, Resource_ = resource.Packed });
        }
        // Gone from the snapshot, or asked for by name and never there: the node drops it, or stops waiting for it.
        foreach (var name in sub.Known.Keys.Concat(sub.Unanswered).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            if (snapshot.Find(type, name) is null) response.RemovedResources.Add(name);
        // An empty response is still sent for a type's first response (the node then knows it has everything there is)
        // and for a new version of the type, so that what the node acknowledges stays comparable with the snapshot.
        if (sub.Responded && response.Resources.Count == 0 && response.RemovedResources.Count == 0 && response.SystemVersionInfo == sub.SentVersion) return null;

        response.Nonce = NextNonce();
        return response;
    }

    private sealed class Subscription
    {
        public bool Wildcard { get; set; }

        /// <summary>Names subscribed explicitly.</summary>
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        /// <summary>The total length of <see cref="Names"/>.</summary>
        public long NameChars { get; set; }

        /// <summary>The version of each resource the node has, as far as this stream knows.</summary>
        public Dictionary<string, string> Known { get; } = new(StringComparer.Ordinal);

        /// <summary>Names subscribed since the last response, each owed an answer even when it does not exist.</summary>
        public HashSet<string> Unanswered { get; } = new(StringComparer.Ordinal);

        /// <summary>The names the last response carried, which a NACK of it rejects.</summary>
        public IReadOnlyList<string> LastSent { get; set; } = [];

        public bool Responded { get; set; }
        public string? Nonce { get; set; }
        public string? SentVersion { get; set; }
    }
}
