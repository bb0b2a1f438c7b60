using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.LoadBalancing;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Clusters;

/// <summary>Turns CDS clusters and EDS assignments into <see cref="ClusterModel"/>s and endpoint lists.</summary>
internal static class ClusterCompiler
{
    private const string ProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    public static ClusterModel Compile(Cluster c, SecretStore secrets)
    {
        var where = $"cluster \"{c.Name}\"";
        if (string.IsNullOrEmpty(c.Name)) throw new ConfigException("cluster without a name");
        if (c.Type is not (Cluster.Types.DiscoveryType.Eds or Cluster.Types.DiscoveryType.Static or Cluster.Types.DiscoveryType.OriginalDst
            or Cluster.Types.DiscoveryType.StrictDns or Cluster.Types.DiscoveryType.LogicalDns))
            throw new ConfigException($"{where}: discovery type {c.Type} is not supported (EDS, STATIC, STRICT_DNS, LOGICAL_DNS or ORIGINAL_DST)");
        // Sockets take at most int.MaxValue ms (about 24 days): anything longer means "wait as long as the OS lets us".
        var connectTimeout = TimeSpan.FromMilliseconds(Math.Min(
            DurationField.PositiveOr(c.ConnectTimeout, TimeSpan.FromSeconds(5), where, "connect_timeout").TotalMilliseconds, int.MaxValue));
        var edsName = c.EdsClusterConfig is { ServiceName.Length: > 0 } eds ? eds.ServiceName : c.Name;
        var (service, subset) = ServiceOf(c.Metadata);
        return new ClusterModel(c.Name, c.Type, c.LbPolicy, HashRingSettings.From(c, where), ProtocolOf(c, where), connectTimeout, edsName, service, subset,
            CircuitBreakerLimits.From(c.CircuitBreakers), ConnectionReuse.From(Options(c, where), c, where), OutlierSettings.From(c, where),
            c.Type == Cluster.Types.DiscoveryType.OriginalDst ? ReservedDestinations.From(c.Metadata, where) : ReservedDestinations.None,
            UpstreamTransportSockets.From(c.TransportSocket, secrets, where), TransportSocketMatches.Compile(c, secrets, where),
            TcpKeepalive.From(c.UpstreamConnectionOptions?.TcpKeepalive));
    }

    private static HttpProtocolOptions? Options(Cluster c, string where)
    {
        if (!c.TypedExtensionProtocolOptions.TryGetValue(ProtocolOptionsKey, out var any)) return null;
        if (!any.TryUnpack<HttpProtocolOptions>(out var options))
            throw new ConfigException($"{where}: {ProtocolOptionsKey} holds a {any.TypeUrl}");
        return options;
    }

    private static UpstreamProtocol ProtocolOf(Cluster c, string where)
    {
        if (Options(c, where) is { } options)
        {
            return options.UpstreamProtocolOptionsCase switch
            {
                HttpProtocolOptions.UpstreamProtocolOptionsOneofCase.ExplicitHttpConfig when options.ExplicitHttpConfig.Http2ProtocolOptions is not null => UpstreamProtocol.Http2,
                HttpProtocolOptions.UpstreamProtocolOptionsOneofCase.UseDownstreamProtocolConfig => UpstreamProtocol.Downstream,
                HttpProtocolOptions.UpstreamProtocolOptionsOneofCase.AutoConfig => UpstreamProtocol.Downstream,
                _ => UpstreamProtocol.Http1,
            };
        }
        return c.Http2ProtocolOptions is not null ? UpstreamProtocol.Http2 : UpstreamProtocol.Http1;
    }

    private static (ServiceInfo?, string?) ServiceOf(Metadata? metadata)
    {
        if (metadata is null || !metadata.FilterMetadata.TryGetValue("istio", out var istio)) return (null, null);
        string? subset = istio.Fields.TryGetValue("subset", out var s) && s.KindCase == Value.KindOneofCase.StringValue ? s.StringValue : null;
        if (!istio.Fields.TryGetValue("services", out var services) || services.ListValue is not { Values.Count: > 0 } list
            || list.Values[0].StructValue is not { } first) return (null, subset);
        string Field(string name) => first.Fields.TryGetValue(name, out var v) ? v.StringValue : "unknown";
        return (new ServiceInfo(Field("host"), Field("name"), Field("namespace")), subset);
    }

    /// <summary>The usable endpoints of an assignment: socket addresses and internal listeners; pipes are skipped.</summary>
    /// <param name="matches">The cluster's transport_socket_matches, applied to each endpoint's metadata.</param>
    public static IReadOnlyList<EndpointModel> Endpoints(ClusterLoadAssignment? assignment, TransportSocketMatches matches)
    {
        if (assignment is null) return [];
        var result = new List<EndpointModel>();
        foreach (var locality in assignment.Endpoints)
        {
            foreach (var lb in locality.LbEndpoints)
            {
                var healthy = lb.HealthStatus is HealthStatus.Unknown or HealthStatus.Healthy or HealthStatus.Degraded;
                var weight = lb.LoadBalancingWeight ?? 1;
                if (lb.Endpoint?.Address?.EnvoyInternalAddress is { ServerListenerName.Length: > 0 } internalAddress)
                {
                    result.Add(new EndpointModel("", 0, healthy, weight, null, internalAddress.ServerListenerName));
                    continue;
                }
                if (lb.Endpoint?.Address?.SocketAddress is not { } sa || sa.PortSpecifierCase != SocketAddress.PortSpecifierOneofCase.PortValue) continue;
                if (sa.PortValue is 0 or > 65535) throw new ConfigException($"endpoints of \"{assignment.ClusterName}\": port {sa.PortValue} is out of range");
                string? workload = lb.Metadata is { } md && md.FilterMetadata.TryGetValue("istio", out var istio)
                    && istio.Fields.TryGetValue("workload", out var w) ? w.StringValue : null;
                result.Add(new EndpointModel(sa.Address, (int)sa.PortValue, healthy, weight, WorkloadInfo.Parse(workload), null,
                    matches.IsEmpty ? null : matches.For(lb.Metadata)));
            }
        }
        return result;
    }
}
