using Envoy.Config.Cluster.V3;
using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;

namespace Trellis.ControlPlane.Translation;

/// <summary>A DestinationRule's loadBalancer in Envoy's terms: the cluster's lb_policy and, for
/// consistentHash, the hash_policy that routes to that cluster carry.</summary>
internal static class LoadBalancing
{
    // Envoy's default; Istio sets it explicitly when neither ringHash nor maglev is given.
    private const ulong DefaultMinimumRingSize = 1024;

    public static void ApplyTo(Cluster cluster, LoadBalancerSettings? lb)
    {
        if (lb?.ConsistentHash is { } hash)
        {
            ApplyConsistentHash(cluster, hash);
            return;
        }
        cluster.LbPolicy = lb?.Simple?.ToUpperInvariant() switch
        {
            "LEAST_REQUEST" or "LEAST_CONN" => Cluster.Types.LbPolicy.LeastRequest,
            "RANDOM" => Cluster.Types.LbPolicy.Random,
            "PASSTHROUGH" => Cluster.Types.LbPolicy.ClusterProvided,
            _ => Cluster.Types.LbPolicy.RoundRobin,
        };
    }

    private static void ApplyConsistentHash(Cluster cluster, ConsistentHashLb hash)
    {
        if (hash.Maglev is { } maglev)
        {
            cluster.LbPolicy = Cluster.Types.LbPolicy.Maglev;
            if (maglev.TableSize is > 0 and var size) cluster.MaglevLbConfig = new Cluster.Types.MaglevLbConfig { TableSize = (ulong)size };
            return;
        }
        cluster.LbPolicy = Cluster.Types.LbPolicy.RingHash;
        if (hash.RingHash is { } ring)
        {
            if (ring.MinimumRingSize is > 0 and var min) cluster.RingHashLbConfig = new Cluster.Types.RingHashLbConfig { MinimumRingSize = (ulong)min };
            return;
        }
        cluster.RingHashLbConfig = new Cluster.Types.RingHashLbConfig
        {
            MinimumRingSize = hash.MinimumRingSize is > 0 and var deprecated ? (ulong)deprecated : DefaultMinimumRingSize,
        };
    }

    /// <summary>The hash_policy for a consistentHash key, or null when the settings hash nothing.</summary>
    public static RouteAction.Types.HashPolicy? HashPolicy(LoadBalancerSettings? lb)
    {
        if (lb?.ConsistentHash is not { } hash) return null;
        if (!string.IsNullOrEmpty(hash.HttpHeaderName))
            return new RouteAction.Types.HashPolicy { Header = new RouteAction.Types.HashPolicy.Types.Header { HeaderName = hash.HttpHeaderName } };
        if (hash.HttpCookie is { Name.Length: > 0 } cookie)
        {
            var policy = new RouteAction.Types.HashPolicy.Types.Cookie { Name = cookie.Name, Path = cookie.Path ?? "" };
            if (cookie.Ttl is { } ttl) policy.Ttl = Duration.FromTimeSpan(ttl);
            return new RouteAction.Types.HashPolicy { Cookie = policy };
        }
        if (hash.UseSourceIp == true)
            return new RouteAction.Types.HashPolicy { ConnectionProperties = new RouteAction.Types.HashPolicy.Types.ConnectionProperties { SourceIp = true } };
        if (!string.IsNullOrEmpty(hash.HttpQueryParameterName))
            return new RouteAction.Types.HashPolicy { QueryParameter = new RouteAction.Types.HashPolicy.Types.QueryParameter { Name = hash.HttpQueryParameterName } };
        return null;
    }
}
