using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Xds;

namespace Trellis.Proxy.Tests.Support;

/// <summary>The outbound policy's resources, shaped as the control plane's OutboundPolicyRoutes and PassthroughGuard shape them.</summary>
internal static class OutboundPolicy
{
    /// <summary>A virtual host whose CONNECT and HTTP routes answer 403 with <paramref name="reason"/> in x-trellis-reason.</summary>
    public static VirtualHost Refusal(string name, string reason, params string[] domains) => new()
    {
        Name = name,
        Domains = { domains },
        Routes = { Refuse(name, reason, new RouteMatch { ConnectMatcher = new RouteMatch.Types.ConnectMatcher() }), Refuse(name, reason, new RouteMatch { Prefix = "/" }) },
    };

    /// <summary>The allow_any virtual host: CONNECT and HTTP to the PassthroughCluster.</summary>
    public static VirtualHost AllowAny() =>
        Envoy.Host("allow_any", ["*"], Envoy.ConnectTo("PassthroughCluster", terminate: true), Envoy.ToCluster("PassthroughCluster", name: "allow_any"));

    /// <summary>The PassthroughCluster with the ports it must never reach.</summary>
    public static Cluster Passthrough(params (int Port, string What)[] reserved)
    {
        var ports = new Struct();
        foreach (var group in reserved.GroupBy(p => p.What, p => p.Port)) ports.Fields[group.Key] = Value.ForString(PortRanges.Format(group));
        return new Cluster
        {
            Name = "PassthroughCluster",
            Type = Cluster.Types.DiscoveryType.OriginalDst,
            LbPolicy = Cluster.Types.LbPolicy.ClusterProvided,
            ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)),
            Metadata = new Metadata { FilterMetadata = { ["trellis.passthrough"] = new Struct { Fields = { ["reserved_port_ranges"] = Value.ForStruct(ports) } } } },
        };
    }

    private static Route Refuse(string name, string reason, RouteMatch match) => new()
    {
        Name = name,
        Match = match,
        DirectResponse = new DirectResponseAction { Status = 403, Body = new DataSource { InlineString = reason + "\n" } },
        ResponseHeadersToAdd =
        {
            new HeaderValueOption
            {
                Header = new HeaderValue { Key = "x-trellis-reason", Value = reason },
                AppendAction = HeaderValueOption.Types.HeaderAppendAction.OverwriteIfExistsOrAdd,
            },
        },
    };
}
