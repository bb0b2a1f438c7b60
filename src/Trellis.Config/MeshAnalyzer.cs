using Trellis.Config.Analysis;
using Trellis.Config.Model;

namespace Trellis.Config;

/// <summary>Cross-object checks in the spirit of <c>istioctl analyze</c>: unknown hosts, subsets and gateways,
/// conflicting VirtualServices and Sidecars, subsets, Services and Sidecars that select no pods.</summary>
public static class MeshAnalyzer
{
    private static readonly IMeshCheck[] Checks =
    [
        new DestinationHostCheck(),
        new DestinationSubsetCheck(),
        new DuplicateSubsetCheck(),
        new GatewayReferenceCheck(),
        new DelegationCheck(),
        new IngressCheck(),
        new ConflictingHostsCheck(),
        new MeshWildcardHostCheck(),
        new SubsetSelectsNoPodsCheck(),
        new ServiceSelectsNoPodsCheck(),
        new DeploymentWithoutServiceCheck(),
        new IgnoredPeerAuthenticationCheck(),
        new PeerAuthenticationSelectsNothingCheck(),
        new AuthorizationPolicyCheck(),
        new TelemetryProviderCheck(),
        new SidecarConflictsCheck(),
        new SidecarSelectsNothingCheck(),
    ];

    /// <summary>Runs every check over a complete set of resources, in creation order (oldest first), the order in
    /// which DestinationRules for one host merge.</summary>
    public static IReadOnlyList<Diagnostic> Analyze(IReadOnlyList<Resource> resources)
    {
        var mesh = new MeshIndex(resources);
        return Checks.SelectMany(c => c.Check(mesh)).ToList();
    }
}
