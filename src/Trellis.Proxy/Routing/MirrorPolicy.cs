using Envoy.Config.Route.V3;
using Envoy.Type.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Routing;

/// <summary>One of a route's request_mirror_policies: the cluster that gets a copy of the request, and how many
/// requests in a million do.</summary>
internal sealed record MirrorPolicy(string Cluster, int PerMillion)
{
    public const int Million = 1_000_000;

    public static MirrorPolicy[] From(IEnumerable<RouteAction.Types.RequestMirrorPolicy> policies, string where) =>
        policies.Select((p, i) => From(p, $"{where} request_mirror_policies[{i}]")).ToArray();

    private static MirrorPolicy From(RouteAction.Types.RequestMirrorPolicy policy, string where)
    {
        if (policy.Cluster.Length == 0) throw new ConfigException($"{where}: no cluster");
        // Without runtime_fraction Envoy mirrors every request; the runtime key has no runtime here, so its default decides.
        if (policy.RuntimeFraction?.DefaultValue is not { } fraction) return new MirrorPolicy(policy.Cluster, Million);
        long scale = fraction.Denominator switch
        {
            FractionalPercent.Types.DenominatorType.Hundred => 10_000,
            FractionalPercent.Types.DenominatorType.TenThousand => 100,
            FractionalPercent.Types.DenominatorType.Million => 1,
            _ => throw new ConfigException($"{where}: unknown runtime_fraction denominator {fraction.Denominator}"),
        };
        return new MirrorPolicy(policy.Cluster, (int)Math.Min(Million, fraction.Numerator * scale));
    }

    /// <summary>Whether this request is mirrored, by a fresh draw against the fraction.</summary>
    public bool Draw() => PerMillion >= Million || (PerMillion > 0 && Random.Shared.Next(Million) < PerMillion);
}
