using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation.Mtls;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation;

/// <summary>Builds the CDS resources: one EDS cluster per service port and per DestinationRule subset
/// (named as Istio names them), plus the inbound cluster of a sidecar's own app.</summary>
internal static class ClusterTranslator
{
    private static readonly Duration ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(10));

    /// <summary>The outbound clusters as <paramref name="client"/> sees them: its DestinationRules decide the subsets and policies,
    /// its <paramref name="scope"/> (all services when null) which services it has clusters for.</summary>
    public static IEnumerable<Cluster> Outbound(MeshModel mesh, DestinationRuleClient client, ProxyScope? scope = null)
    {
        foreach (var service in mesh.Services)
        {
            var ports = service.Ports.Where(p => scope?.HasCluster(service, p.Port) != false).ToList();
            if (ports.Count == 0) continue;
            var rule = DestinationRules.For(mesh, service, client);
            var identities = ServiceIdentities.For(mesh, service);
            foreach (var port in ports)
            {
                yield return Eds(ClusterNames.Outbound(port.Port, null, service.Fqdn), service, port, null, rule, identities, mesh.Settings);
                foreach (var subset in rule?.Subsets ?? [])
                    yield return Eds(ClusterNames.Outbound(port.Port, subset.Name, service.Fqdn), service, port, subset.Name, rule, identities, mesh.Settings);
            }
        }
        yield return new Cluster
        {
            Name = ClusterNames.Passthrough,
            Type = Cluster.Types.DiscoveryType.OriginalDst,
            LbPolicy = Cluster.Types.LbPolicy.ClusterProvided,
            ConnectTimeout = ConnectTimeout,
        };
        yield return new Cluster
        {
            Name = ClusterNames.BlackHole,
            Type = Cluster.Types.DiscoveryType.Static,
            ConnectTimeout = ConnectTimeout,
        };
    }

    /// <summary>Leads terminated CONNECT tunnels into the outbound tunnel listener.</summary>
    public static Cluster OutboundTunnel() => new()
    {
        Name = ClusterNames.OutboundTunnel,
        Type = Cluster.Types.DiscoveryType.Static,
        ConnectTimeout = ConnectTimeout,
        LoadAssignment = new ClusterLoadAssignment
        {
            ClusterName = ClusterNames.OutboundTunnel,
            Endpoints =
            {
                new LocalityLbEndpoints
                {
                    LbEndpoints = { Endpoint(new Address { EnvoyInternalAddress = new EnvoyInternalAddress { ServerListenerName = ClusterNames.OutboundTunnel } }, null) },
                },
            },
        },
    };

    /// <summary>The cluster a sidecar uses to reach its own application on loopback; like Istio's, it names the
    /// service that selects the pod on this port, so inbound telemetry never has to guess it from the Host header.</summary>
    public static Cluster Inbound(int containerPort, int appPort, ServiceModel? service = null) => new()
    {
        Name = ClusterNames.Inbound(containerPort),
        Type = Cluster.Types.DiscoveryType.Static,
        ConnectTimeout = ConnectTimeout,
        LbPolicy = Cluster.Types.LbPolicy.RoundRobin,
        Metadata = service is null ? null : IstioMetadata.ForService(service, null),
        TypedExtensionProtocolOptions = { [ProtocolOptionsKey] = XdsAny.Pack(ProtocolOptions(service?.Ports.FirstOrDefault(p => p.TargetPort == containerPort))) },
        LoadAssignment = new ClusterLoadAssignment
        {
            ClusterName = ClusterNames.Inbound(containerPort),
            Endpoints = { new LocalityLbEndpoints { LbEndpoints = { Endpoint(Addresses.Loopback(appPort), null) } } },
        },
    };

    public const string ProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    /// <summary>As Istio's protocol selection: gRPC/HTTP2 ports speak h2 upstream, ports declared HTTP speak HTTP/1.1
    /// (a client's h2 at the gateway must not reach an HTTP/1.1 app as h2c), and the rest follow the downstream protocol.</summary>
    private static HttpProtocolOptions ProtocolOptions(ServicePortModel? port)
    {
        var options = new HttpProtocolOptions();
        if (port?.IsHttp2 == true)
            options.ExplicitHttpConfig = new HttpProtocolOptions.Types.ExplicitHttpConfig { Http2ProtocolOptions = new Http2ProtocolOptions() };
        else if (port?.DeclaredHttp1 == true)
            options.ExplicitHttpConfig = new HttpProtocolOptions.Types.ExplicitHttpConfig { HttpProtocolOptions = new Http1ProtocolOptions() };
        else
            options.UseDownstreamProtocolConfig = new HttpProtocolOptions.Types.UseDownstreamHttpConfig
            {
                HttpProtocolOptions = new Http1ProtocolOptions(),
                Http2ProtocolOptions = new Http2ProtocolOptions(),
            };
        return options;
    }

    /// <summary>An outbound cluster with the DestinationRule's policies for its subset and port merged in.</summary>
    private static Cluster Eds(string name, ServiceModel service, ServicePortModel port, string? subset, DestinationRuleView? rule, IReadOnlyList<string> identities,
        MeshSettings settings)
    {
        var cluster = new Cluster
        {
            Name = name,
            AltStatName = name,
            Type = Cluster.Types.DiscoveryType.Eds,
            EdsClusterConfig = new Cluster.Types.EdsClusterConfig
            {
                EdsConfig = new ConfigSource { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 },
                ServiceName = name,
            },
            ConnectTimeout = ConnectTimeout,
            Metadata = IstioMetadata.ForService(service, subset),
        };
        var options = ProtocolOptions(port);
        var pool = rule?.ConnectionPool(subset, port.Port);
        ConnectionPools.ApplyTo(cluster, options, pool, settings.TcpKeepalive);
        var http2 = ConnectionPools.UpgradeToH2(options, pool, port.IsHttp2 || port.DeclaredHttp1, settings.H2Upgrade);
        cluster.TypedExtensionProtocolOptions[ProtocolOptionsKey] = XdsAny.Pack(options);
        OutlierDetections.ApplyTo(cluster, rule?.OutlierDetection(subset, port.Port));
        LoadBalancing.ApplyTo(cluster, rule?.LoadBalancer(subset, port.Port));
        AutoMtls.ApplyTo(cluster, rule?.Tls(subset, port.Port), IstioMutualTls.Sni(port.Port, subset, service.Fqdn), identities, http2, settings.AutoMtls);
        return cluster;
    }

    /// <param name="istioMutualTls">The endpoint accepts Istio mutual TLS: its metadata says tlsMode istio, which the
    /// cluster's transport_socket_matches select on.</param>
    internal static LbEndpoint Endpoint(Address address, WorkloadModel? workload, bool istioMutualTls = false) => new()
    {
        Endpoint = new Envoy.Config.Endpoint.V3.Endpoint { Address = address },
        HealthStatus = HealthStatus.Healthy,
        Metadata = workload is null ? null : IstioMetadata.ForWorkload(workload, istioMutualTls),
    };
}
