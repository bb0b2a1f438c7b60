using System.Collections.Immutable;
using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Trellis.Xds.Client;

/// <summary>An ADS client, state of the world or incremental: subscribes to listeners and clusters, then to the routes
/// and endpoints they reference; ACKs what the handler accepts, NACKs what it rejects, and reconnects
/// forever with back-off while the last good configuration keeps serving.</summary>
public sealed partial class AdsClient : IAsyncDisposable
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly GrpcChannel _channel;
    private readonly Node _node;
    private readonly IXdsResourceHandler _handler;
    private readonly ILogger _logger;
    private readonly Func<string?>? _bearerToken;
    private readonly CancellationTokenSource _stop = new();
    private ImmutableDictionary<string, string> _acceptedVersions = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _names = new(StringComparer.Ordinal);
    private Task? _loop;
    private volatile bool _connected;

    private readonly XdsProtocol _protocol;

    /// <summary>Creates a client for an h2c (http://) or TLS (https://) ADS server.</summary>
    /// <param name="bearerToken">The credential proving the node's identity, read anew for every stream (it is
    /// refreshed on disk); sent as <c>authorization: Bearer</c> call metadata, as Istio's agent sends its token.</param>
    /// <param name="protocol">State of the world (Envoy's GRPC api_type) or incremental (DELTA_GRPC).</param>
    public AdsClient(Uri server, Node node, IXdsResourceHandler handler, ILogger logger, Func<string?>? bearerToken = null,
        XdsProtocol protocol = XdsProtocol.StateOfTheWorld)
    {
        _bearerToken = bearerToken;
        _protocol = protocol;
        _channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            HttpHandler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = false },
        });
        _node = node;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>True while a stream to the server is open.</summary>
    public bool IsConnected => _connected;

    /// <summary>The version last accepted (ACKed) per type URL; survives reconnects.</summary>
    public IReadOnlyDictionary<string, string> AppliedVersions => Volatile.Read(ref _acceptedVersions);

    /// <summary>Starts the subscribe/reconnect loop in the background.</summary>
    public void Start() => _loop ??= Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        var backoff = MinBackoff;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (_protocol == XdsProtocol.Incremental) await RunDeltaStreamAsync(() => backoff = MinBackoff, _stop.Token);
                else await RunStreamAsync(() => backoff = MinBackoff, _stop.Token);
            }
            catch (Exception e)
            {
                // Stopping cancels the call, which surfaces as RpcException(Cancelled) rather than
                // OperationCanceledException; that is a normal end, not an error for DisposeAsync.
                if (!_stop.IsCancellationRequested)
                    _logger.LogWarning("xDS stream to the control plane ended ({Error}); retrying in {Delay} ms", e.Message, (int)backoff.TotalMilliseconds);
            }
            _connected = false;
            if (_stop.IsCancellationRequested) break;
            try
            {
                await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(backoff.TotalMilliseconds / 2) + 1)), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    private Grpc.Core.Metadata? CallHeaders() =>
        _bearerToken?.Invoke() is { } token ? new Grpc.Core.Metadata { { "authorization", "Bearer " + token } } : null;

    private void Connected(Action onConnected)
    {
        if (_connected) return;
        _connected = true;
        onConnected();
        _logger.LogInformation("connected to the control plane");
    }

    private async Task RunStreamAsync(Action onConnected, CancellationToken ct)
    {
        var client = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(_channel);
        using var call = client.StreamAggregatedResources(CallHeaders(), cancellationToken: ct);
        _lastNonces.Clear();
        var sentNode = false;
        async Task SendAsync(DiscoveryRequest request)
        {
            if (!sentNode)
            {
                request.Node = _node;
                sentNode = true;
            }
            await call.RequestStream.WriteAsync(request, ct);
        }

        // Subscribe to the wildcard types first, and on reconnect to what we already depend on,
        // announcing the versions we run so an unchanged server need not resend.
        foreach (var type in new[] { TypeUrls.Cluster, TypeUrls.Listener, TypeUrls.ClusterLoadAssignment, TypeUrls.RouteConfiguration, TypeUrls.Secret })
        {
            var wildcard = type is TypeUrls.Cluster or TypeUrls.Listener;
            if (!wildcard && !_names.ContainsKey(type)) continue;
            await SendAsync(Request(type, nonce: ""));
        }

        while (await call.ResponseStream.MoveNext(ct))
        {
            Connected(onConnected);
            var response = call.ResponseStream.Current;
            var error = await ApplyAsync(response);
            if (error is null)
            {
                Volatile.Write(ref _acceptedVersions, _acceptedVersions.SetItem(response.TypeUrl, response.VersionInfo));
                await SendAsync(Request(response.TypeUrl, response.Nonce));
                foreach (var (type, names) in NewDependencies(response.TypeUrl))
                {
                    _names[type] = names;
                    await SendAsync(Request(type, nonce: _lastNonces.GetValueOrDefault(type, "")));
                }
            }
            else
            {
                _logger.LogWarning("rejected {Type} version {Version}: {Error}", TypeUrls.ShortName(response.TypeUrl), response.VersionInfo, error);
                var nack = Request(response.TypeUrl, response.Nonce);
                nack.ErrorDetail = new Google.Rpc.Status { Code = (int)StatusCode.InvalidArgument, Message = error };
                await SendAsync(nack);
            }
            _lastNonces[response.TypeUrl] = response.Nonce;
        }
    }

    private readonly Dictionary<string, string> _lastNonces = new(StringComparer.Ordinal);

    private async Task<string?> ApplyAsync(DiscoveryResponse response)
    {
        var parser = TypeUrls.ParserFor(response.TypeUrl);
        if (parser is null) return $"unsupported resource type {response.TypeUrl}";
        var resources = new List<IMessage>(response.Resources.Count);
        foreach (var any in response.Resources)
        {
            if (!TryDecode(parser, response.TypeUrl, any, out var resource, out var error)) return error;
            resources.Add(resource!);
        }
        return await HandOverAsync(response.TypeUrl, response.VersionInfo, resources);
    }

    private static bool TryDecode(MessageParser parser, string typeUrl, Google.Protobuf.WellKnownTypes.Any any, out IMessage? resource, out string? error)
    {
        resource = null;
        if (any.TypeUrl != typeUrl)
        {
            error = $"resource of type {any.TypeUrl} in a {typeUrl} response";
            return false;
        }
        if (ResourceDecoder.TryDecode(parser, any.Value, out resource, out var undecodable))
        {
            error = null;
            return true;
        }
        error = $"undecodable {TypeUrls.ShortName(typeUrl)} resource: {undecodable}";
        return false;
    }

    /// <summary>Gives the handler a type's complete set; null when it accepted it.</summary>
    private async Task<string?> HandOverAsync(string typeUrl, string version, IReadOnlyList<IMessage> resources)
    {
        try
        {
            var error = await _handler.ApplyAsync(typeUrl, version, resources);
            if (error is null) _lastResources[typeUrl] = resources;
            return error;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private readonly Dictionary<string, IReadOnlyList<IMessage>> _lastResources = new(StringComparer.Ordinal);

    private IEnumerable<(string Type, HashSet<string> Names)> NewDependencies(string typeUrl)
    {
        var (type, names) = typeUrl switch
        {
            TypeUrls.Listener => (TypeUrls.RouteConfiguration, DependentNames.Routes(_lastResources[TypeUrls.Listener])),
            TypeUrls.Cluster => (TypeUrls.ClusterLoadAssignment, DependentNames.Endpoints(_lastResources[TypeUrls.Cluster])),
            _ => ("", []),
        };
        if (type.Length > 0 && (!_names.TryGetValue(type, out var old) || !old.SetEquals(names)))
            yield return (type, names);
        // Secrets hang off listeners and clusters alike; a client that names none never opens the SDS subscription.
        if (typeUrl is TypeUrls.Listener or TypeUrls.Cluster)
        {
            var secrets = DependentNames.Secrets(_lastResources.GetValueOrDefault(TypeUrls.Listener) ?? [], _lastResources.GetValueOrDefault(TypeUrls.Cluster) ?? []);
            var subscribed = _names.TryGetValue(TypeUrls.Secret, out var current);
            if (subscribed ? !current!.SetEquals(secrets) : secrets.Count > 0) yield return (TypeUrls.Secret, secrets);
        }
    }

    private DiscoveryRequest Request(string type, string nonce)
    {
        var request = new DiscoveryRequest
        {
            TypeUrl = type,
            ResponseNonce = nonce,
            VersionInfo = _acceptedVersions.GetValueOrDefault(type, ""),
        };
        if (_names.TryGetValue(type, out var names)) request.ResourceNames.AddRange(names.Order(StringComparer.Ordinal));
        return request;
    }

    /// <summary>Stops the client and closes the channel.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _channel.Dispose();
        _stop.Dispose();
    }
}
