using System.Collections.Immutable;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Trellis.Xds;
using Trellis.Xds.Client;

namespace Trellis.Proxy.Static;

/// <summary>Puts a bootstrap's static resources and the endpoints its DNS clusters resolve to in front of the xDS
/// handler, so they are compiled exactly as resources from a control plane are. Every state of the world that
/// arrives over ADS is merged with them, and, as in Envoy, a static listener or cluster cannot be replaced over xDS.</summary>
internal sealed class StaticResourceOverlay : IXdsResourceHandler, IAsyncDisposable
{
    private const string StaticVersion = "static";

    private readonly IXdsResourceHandler _inner;
    private readonly ILogger _log;
    private readonly ImmutableDictionary<string, IMessage[]> _static;
    private readonly DnsClusterResolver _dns;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, IReadOnlyList<IMessage>> _dynamic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClusterLoadAssignment> _resolved = new(StringComparer.Ordinal);
    private int _dnsVersion;

    public StaticResourceOverlay(IXdsResourceHandler inner, IReadOnlyList<Listener> listeners, IReadOnlyList<Cluster> clusters, HostLookup lookup, ILogger log)
    {
        _inner = inner;
        _log = log;
        _static = ImmutableDictionary.CreateRange(StringComparer.Ordinal, new[]
        {
            KeyValuePair.Create(TypeUrls.Cluster, clusters.Cast<IMessage>().ToArray()),
            KeyValuePair.Create(TypeUrls.Listener, listeners.Cast<IMessage>().ToArray()),
        });
        _dns = new DnsClusterResolver(lookup, PublishResolvedAsync, log);
    }

    /// <summary>Applies the static clusters, then the static listeners (binding them), and starts resolving DNS
    /// clusters; returns the reason when the proxy cannot run them.</summary>
    public async Task<string?> StartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var type in new[] { TypeUrls.Cluster, TypeUrls.ClusterLoadAssignment, TypeUrls.Listener })
                if (await _inner.ApplyAsync(type, StaticVersion, Merged(type)) is { } error) return error;
            _dns.Track(_static[TypeUrls.Cluster].Cast<Cluster>());
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string?> ApplyAsync(string typeUrl, string version, IReadOnlyList<IMessage> resources)
    {
        await _gate.WaitAsync();
        try
        {
            if (_static.TryGetValue(typeUrl, out var fixedOnes))
            {
                var names = fixedOnes.Select(TypeUrls.NameOf).ToHashSet(StringComparer.Ordinal);
                foreach (var r in resources)
                    if (names.Contains(TypeUrls.NameOf(r)))
                        return $"{(typeUrl == TypeUrls.Cluster ? "cluster" : "listener")} \"{TypeUrls.NameOf(r)}\" is a static resource of the bootstrap and cannot be replaced over xDS";
            }
            if (typeUrl == TypeUrls.Cluster && DnsProblem(resources) is { } dnsProblem) return dnsProblem;
            var previous = _dynamic.GetValueOrDefault(typeUrl);
            _dynamic[typeUrl] = resources;
            var error = await _inner.ApplyAsync(typeUrl, version, Merged(typeUrl));
            if (error is not null)
            {
                if (previous is null) _dynamic.Remove(typeUrl);
                else _dynamic[typeUrl] = previous;
                return error;
            }
            if (typeUrl == TypeUrls.Cluster) _dns.Track(Merged(typeUrl).Cast<Cluster>());
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A DNS cluster from a control plane is held to what a bootstrap's is: names and ports to resolve.</summary>
    private static string? DnsProblem(IReadOnlyList<IMessage> clusters)
    {
        foreach (var c in clusters.OfType<Cluster>().Where(DnsEndpoints.IsDns))
        {
            try
            {
                DnsEndpoints.Check(c, $"cluster \"{c.Name}\"");
            }
            catch (BootstrapException e)
            {
                return e.Message;
            }
        }
        return null;
    }

    private async Task PublishResolvedAsync(ClusterLoadAssignment assignment)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_dns.Tracks(assignment.ClusterName)) return;
            _resolved[assignment.ClusterName] = assignment;
            var version = $"dns-{++_dnsVersion}";
            if (await _inner.ApplyAsync(TypeUrls.ClusterLoadAssignment, version, Merged(TypeUrls.ClusterLoadAssignment)) is { } error)
                _log.LogWarning("cluster {Cluster}: resolved endpoints rejected: {Error}", assignment.ClusterName, error);
            else
                _log.LogInformation("cluster {Cluster}: {Count} endpoint(s) resolved", assignment.ClusterName, assignment.Endpoints.Sum(e => e.LbEndpoints.Count));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Static resources first, then what ADS sent; for endpoints, DNS answers win over an EDS resource of the
    /// same name, since a DNS cluster's endpoints come from its names alone.</summary>
    private IMessage[] Merged(string typeUrl)
    {
        var dynamic = _dynamic.GetValueOrDefault(typeUrl) ?? [];
        if (typeUrl != TypeUrls.ClusterLoadAssignment) return [.. _static.GetValueOrDefault(typeUrl) ?? [], .. dynamic];
        var resolved = _resolved.Where(r => _dns.Tracks(r.Key)).Select(r => (IMessage)r.Value).ToArray();
        var taken = resolved.Select(TypeUrls.NameOf).ToHashSet(StringComparer.Ordinal);
        return [.. resolved, .. dynamic.Where(m => !taken.Contains(TypeUrls.NameOf(m)))];
    }

    public async ValueTask DisposeAsync()
    {
        await _dns.DisposeAsync();
        _gate.Dispose();
    }
}
