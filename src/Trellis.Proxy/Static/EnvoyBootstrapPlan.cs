using System.Net;
using EnvoyAdmin = Envoy.Config.Bootstrap.V3.Admin;
using EnvoyBootstrap = Envoy.Config.Bootstrap.V3.Bootstrap;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using SocketAddress = Envoy.Config.Core.V3.SocketAddress;
using Envoy.Config.Listener.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Static;

/// <summary>What a bootstrap asks the proxy to run: its static resources, the ADS server (if any), the admin port and
/// the node it is. Checked the way Envoy checks a bootstrap before it starts: an error stops the proxy.</summary>
/// <param name="AdsServer">The ADS server from <c>dynamic_resources.ads_config</c>, or null for a static-only proxy.</param>
/// <param name="AdminPort">From <c>admin.address</c>; null when the bootstrap has no admin section.</param>
/// <param name="AdminAddress">The admin address the bootstrap names, which Trellis binds on loopback only.</param>
internal sealed record EnvoyBootstrapPlan(
    Node Node,
    IReadOnlyList<Listener> Listeners,
    IReadOnlyList<Cluster> Clusters,
    Uri? AdsServer,
    int? AdminPort,
    string? AdminAddress)
{
    /// <summary>ads_config.api_type: GRPC (state of the world) or DELTA_GRPC (incremental).</summary>
    public Trellis.Xds.Client.XdsProtocol AdsProtocol { get; init; }

    /// <summary>static_resources.secrets, which listeners and clusters name in their SDS configs.</summary>
    public IReadOnlyList<Envoy.Extensions.TransportSockets.Tls.V3.Secret> Secrets { get; init; } = [];

    private const string Default = "default";

    public static EnvoyBootstrapPlan From(EnvoyBootstrap b, string file)
    {
        var listeners = b.StaticResources?.Listeners.ToArray() ?? [];
        var clusters = b.StaticResources?.Clusters.ToArray() ?? [];
        Unique(file, "static_resources.listeners", listeners.Select(l => l.Name).ToArray());
        Unique(file, "static_resources.clusters", clusters.Select(c => c.Name).ToArray());
        for (var i = 0; i < clusters.Length; i++) DnsEndpoints.Check(clusters[i], $"{file}: static_resources.clusters[{i}]");
        RouteClusterCheck.Check(file, listeners, clusters.Select(c => c.Name).ToHashSet(StringComparer.Ordinal));
        var node = b.Node?.Clone() ?? new Node();
        var ads = AdsServerOf(b.DynamicResources, clusters, file);
        if (ads is not null && (node.Id.Length == 0 || node.Cluster.Length == 0))
            throw new BootstrapException($"{file}: node: id and cluster are required with dynamic_resources (the ADS server identifies this proxy by them)");
        node.UserAgentName = "trellis-proxy";
        node.UserAgentVersion = typeof(EnvoyBootstrapPlan).Assembly.GetName().Version?.ToString() ?? "0";
        var (adminPort, adminAddress) = AdminOf(b.Admin, file);
        var secrets = b.StaticResources?.Secrets.ToArray() ?? [];
        Unique(file, "static_resources.secrets", secrets.Select(s => s.Name).ToArray());
        return new EnvoyBootstrapPlan(node, listeners, clusters, ads?.Server, adminPort, adminAddress) { Secrets = secrets, AdsProtocol = ads?.Protocol ?? default };
    }

    /// <summary>Who this proxy is in telemetry: Istio's node metadata keys when the bootstrap has them, else the node's
    /// id and cluster.</summary>
    public OwnIdentity Identity()
    {
        var metadata = Node.Metadata ?? new Struct();
        string Text(string key, string fallback) =>
            metadata.Fields.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.StringValue && v.StringValue.Length > 0 ? v.StringValue : fallback;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata.Fields.TryGetValue("LABELS", out var l) && l.StructValue is { } s)
            foreach (var (k, v) in s.Fields)
                if (v.KindCase == Value.KindOneofCase.StringValue) labels[k] = v.StringValue;
        var id = Node.Id.Length > 0 ? Node.Id : "trellis-proxy";
        var ns = Text("NAMESPACE", Default);
        var pod = Text("NAME", id);
        var workload = Text("WORKLOAD_NAME", Node.Cluster.Length > 0 ? Node.Cluster : pod);
        var account = Text("SERVICE_ACCOUNT", Default);
        return new OwnIdentity(id, PeerIdentity.FromLabels(workload, ns, account, labels), PeerMetadata.Encode(ns, workload, pod, account, labels));
    }

    private static void Unique(string file, string where, string[] names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0) throw new BootstrapException($"{file}: {where}[{i}].name: required");
            if (!seen.Add(names[i])) throw new BootstrapException($"{file}: {where}[{i}].name: \"{names[i]}\" is defined twice");
        }
    }

    private static (Uri Server, Trellis.Xds.Client.XdsProtocol Protocol)? AdsServerOf(EnvoyBootstrap.Types.DynamicResources? d, Cluster[] clusters, string file)
    {
        if (d is null) return null;
        const string where = "dynamic_resources";
        foreach (var (name, source) in new[] { ("lds_config", d.LdsConfig), ("cds_config", d.CdsConfig) })
            if (source is not null && source.ConfigSourceSpecifierCase != ConfigSource.ConfigSourceSpecifierOneofCase.Ads)
                throw new BootstrapException($"{file}: {where}.{name}: only \"ads: {{}}\" is supported (this proxy takes dynamic resources over ADS)");
        if (d.AdsConfig is not { } ads)
        {
            if (d.LdsConfig is not null || d.CdsConfig is not null)
                throw new BootstrapException($"{file}: {where}: lds_config/cds_config use ads, but ads_config is not set");
            return null;
        }
        var protocol = ads.ApiType switch
        {
            ApiConfigSource.Types.ApiType.Grpc => Trellis.Xds.Client.XdsProtocol.StateOfTheWorld,
            ApiConfigSource.Types.ApiType.DeltaGrpc => Trellis.Xds.Client.XdsProtocol.Incremental,
            _ => throw new BootstrapException($"{file}: {where}.ads_config.api_type: {ProtoEnumName.Of(ads.ApiType)} is not supported (GRPC: state-of-the-world ADS; DELTA_GRPC: incremental)"),
        };
        if (ads.TransportApiVersion is not (ApiVersion.V3 or ApiVersion.Auto))
            throw new BootstrapException($"{file}: {where}.ads_config.transport_api_version: only V3 is supported");
        if (ads.GrpcServices.Count != 1 || ads.GrpcServices[0].EnvoyGrpc is not { ClusterName.Length: > 0 } grpc)
            throw new BootstrapException($"{file}: {where}.ads_config.grpc_services: needs exactly one envoy_grpc with a cluster_name");
        var cluster = Array.Find(clusters, c => c.Name == grpc.ClusterName)
            ?? throw new BootstrapException($"{file}: {where}.ads_config.grpc_services[0].envoy_grpc.cluster_name: unknown gRPC client cluster \"{grpc.ClusterName}\" (it must be a static cluster)");
        var endpoint = cluster.LoadAssignment?.Endpoints.SelectMany(e => e.LbEndpoints).Select(e => e.Endpoint?.Address?.SocketAddress).FirstOrDefault(a => a is not null)
            ?? throw new BootstrapException($"{file}: cluster \"{cluster.Name}\" (the ADS server) has no socket address in load_assignment");
        var host = IPAddress.TryParse(endpoint.Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address;
        return (new Uri($"http://{host}:{endpoint.PortValue}"), protocol);
    }

    private static (int?, string?) AdminOf(EnvoyAdmin? admin, string file)
    {
        if (admin is null) return (null, null);
        if (admin.Address?.SocketAddress is not { } sa)
            throw new BootstrapException($"{file}: admin.address: needs a socket_address");
        if (sa.PortSpecifierCase != SocketAddress.PortSpecifierOneofCase.PortValue || sa.PortValue > 65535)
            throw new BootstrapException($"{file}: admin.address.socket_address.port_value: needs a port from 0 to 65535");
        if (!IPAddress.TryParse(sa.Address, out _))
            throw new BootstrapException($"{file}: admin.address.socket_address.address: \"{sa.Address}\" is not an IP address");
        return ((int)sa.PortValue, sa.Address);
    }
}
