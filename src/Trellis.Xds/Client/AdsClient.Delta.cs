using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Trellis.Xds.Client;

/// <summary>The incremental variant: the client keeps each type's resources by name with their versions, applies what
/// a response adds and removes to a copy, and hands the handler the complete set, so handlers work the same under both
/// variants. The versions survive reconnects and are announced on the next stream, which then resends only changes.</summary>
public sealed partial class AdsClient
{
    private const string Wildcard = "*";
    private static readonly string[] SubscribeOrder = [TypeUrls.Cluster, TypeUrls.Listener, TypeUrls.ClusterLoadAssignment, TypeUrls.RouteConfiguration, TypeUrls.Secret];

    private readonly Dictionary<string, Dictionary<string, (string Version, IMessage Resource)>> _held = new(StringComparer.Ordinal);

    private async Task RunDeltaStreamAsync(Action onConnected, CancellationToken ct)
    {
        var client = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(_channel);
        using var call = client.DeltaAggregatedResources(CallHeaders(), cancellationToken: ct);
        var sentNode = false;
        async Task SendAsync(DeltaDiscoveryRequest request)
        {
            if (!sentNode)
            {
                request.Node = _node;
                sentNode = true;
            }
            await call.RequestStream.WriteAsync(request, ct);
        }

        foreach (var type in SubscribeOrder)
        {
            var wildcard = type is TypeUrls.Cluster or TypeUrls.Listener;
            if (!wildcard && !_names.ContainsKey(type)) continue;
            var request = new DeltaDiscoveryRequest { TypeUrl = type };
            if (wildcard) request.ResourceNamesSubscribe.Add(Wildcard);
            else request.ResourceNamesSubscribe.AddRange(_names[type].Order(StringComparer.Ordinal));
            if (_held.TryGetValue(type, out var held))
                foreach (var (name, entry) in held) request.InitialResourceVersions[name] = entry.Version;
            await SendAsync(request);
        }

        while (await call.ResponseStream.MoveNext(ct))
        {
            Connected(onConnected);
            var response = call.ResponseStream.Current;
            var error = await ApplyDeltaAsync(response);
            if (error is not null)
            {
                _logger.LogWarning("rejected {Type} version {Version}: {Error}", TypeUrls.ShortName(response.TypeUrl), response.SystemVersionInfo, error);
                await SendAsync(new DeltaDiscoveryRequest
                {
                    TypeUrl = response.TypeUrl,
                    ResponseNonce = response.Nonce,
                    ErrorDetail = new Google.Rpc.Status { Code = (int)StatusCode.InvalidArgument, Message = error },
                });
                continue;
            }
            Volatile.Write(ref _acceptedVersions, _acceptedVersions.SetItem(response.TypeUrl, response.SystemVersionInfo));
            await SendAsync(new DeltaDiscoveryRequest { TypeUrl = response.TypeUrl, ResponseNonce = response.Nonce });
            foreach (var (type, names) in NewDependencies(response.TypeUrl))
            {
                var before = _names.GetValueOrDefault(type) ?? [];
                _names[type] = names;
                var request = new DeltaDiscoveryRequest { TypeUrl = type };
                request.ResourceNamesSubscribe.AddRange(names.Except(before).Order(StringComparer.Ordinal));
                request.ResourceNamesUnsubscribe.AddRange(before.Except(names).Order(StringComparer.Ordinal));
                // What is no longer subscribed is dropped here; the server sends nothing for it.
                if (_held.TryGetValue(type, out var held))
                    foreach (var name in request.ResourceNamesUnsubscribe) held.Remove(name);
                if (request.ResourceNamesSubscribe.Count > 0 || request.ResourceNamesUnsubscribe.Count > 0) await SendAsync(request);
            }
        }
    }

    /// <summary>Applies a response to a copy of the type's resources and hands the complete set over; the copy replaces
    /// the held set only when the handler accepts it, so a rejected change leaves the last good one in force.</summary>
    private async Task<string?> ApplyDeltaAsync(DeltaDiscoveryResponse response)
    {
        var parser = TypeUrls.ParserFor(response.TypeUrl);
        if (parser is null) return $"unsupported resource type {response.TypeUrl}";
        var next = _held.TryGetValue(response.TypeUrl, out var held)
            ? new Dictionary<string, (string Version, IMessage Resource)>(held, StringComparer.Ordinal)
            : new Dictionary<string, (string Version, IMessage Resource)>(StringComparer.Ordinal);
        foreach (var name in response.RemovedResources) next.Remove(name);
        foreach (var entry in response.Resources)
        {
            if (entry.Resource_ is not { } any) return $"{TypeUrls.ShortName(response.TypeUrl)} resource {entry.Name} has no body";
            if (!TryDecode(parser, response.TypeUrl, any, out var resource, out var error)) return error;
            if (TypeUrls.NameOf(resource!) != entry.Name)
                return $"{TypeUrls.ShortName(response.TypeUrl)} resource named {entry.Name} carries {TypeUrls.NameOf(resource!)}";
            next[entry.Name] = (entry.Version, resource!);
        }
        var complete = next.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value.Resource).ToList();
        var rejected = await HandOverAsync(response.TypeUrl, response.SystemVersionInfo, complete);
        if (rejected is null) _held[response.TypeUrl] = next;
        return rejected;
    }
}
