using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Configuration;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Secrets;
using Trellis.Xds;
using Trellis.Xds.Client;

namespace Trellis.Proxy.Xds;

/// <summary>Receives xDS state of the world per type, validates it by compiling a whole new snapshot,
/// binds listeners, and publishes the snapshot atomically; anything invalid is NACKed and the last
/// good snapshot keeps serving.</summary>
internal sealed class XdsConfigHandler(SnapshotHolder holder, SnapshotCompiler compiler, ListenerManager listeners, ILogger logger, TimeProvider? time = null,
    SecretStore? secrets = null)
    : IXdsResourceHandler
{
    /// <summary>The secrets the last SDS response set, so the next one can remove those it no longer holds.</summary>
    private HashSet<string> _sdsNames = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private volatile bool _ready;

    /// <summary>True once listeners and clusters have been received and every listener is bound.</summary>
    public bool IsReady => _ready;

    public async Task<string?> ApplyAsync(string typeUrl, string version, IReadOnlyList<IMessage> resources)
    {
        await _gate.WaitAsync();
        try
        {
            if (typeUrl == TypeUrls.Secret) return ApplySecrets(version, resources);
            var previous = holder.Current;
            ProxySnapshot next;
            try
            {
                var accepted = previous.Resources.With(typeUrl, version, resources, _time.GetUtcNow());
                next = compiler.Compile(accepted, previous);
            }
            catch (ConfigException e)
            {
                logger.LogWarning("rejected {Type} version {Version}: {Reason}", TypeUrls.ShortName(typeUrl), version, e.Message);
                return e.Message;
            }
            holder.Publish(next);
            if (typeUrl == TypeUrls.Listener || !ReferenceEquals(previous.Listeners, next.Listeners))
            {
                // The ADS loop awaits this before it ACKs, so a bind failure is NACKed rather than silently dropped.
                var error = await listeners.ReconcileAsync(next.Listeners.Values.Where(l => !l.IsInternal).ToArray(), CancellationToken.None);
                if (error is not null)
                {
                    holder.Publish(previous);
                    logger.LogWarning("rejected {Type} version {Version}: {Reason}", TypeUrls.ShortName(typeUrl), version, error);
                    return error;
                }
            }
            _ready = next.Resources.Has(TypeUrls.Listener) && next.Resources.Has(TypeUrls.Cluster);
            logger.LogInformation("applied {Type} version {Version} ({Count} resources)", TypeUrls.ShortName(typeUrl), version, resources.Count);
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>SDS over ADS: every secret is validated before any is stored; a secret the server stopped sending is
    /// removed (its handshakes then fail closed). Secrets set by others (the identity agent, the bootstrap) stay.</summary>
    private string? ApplySecrets(string version, IReadOnlyList<IMessage> resources)
    {
        if (secrets is null) return "this proxy takes no SDS secrets";
        try
        {
            SecretResources.Apply(resources.Cast<Secret>().ToArray(), secrets, "secret");
        }
        catch (ConfigException e)
        {
            logger.LogWarning("rejected SDS version {Version}: {Reason}", version, e.Message);
            return e.Message;
        }
        var names = resources.Select(TypeUrls.NameOf).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _sdsNames.Except(names)) secrets.Remove(gone);
        _sdsNames = names;
        logger.LogInformation("applied SDS version {Version} ({Count} secrets)", version, resources.Count);
        return null;
    }
}
