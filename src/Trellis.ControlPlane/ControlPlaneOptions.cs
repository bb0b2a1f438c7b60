using Trellis.ControlPlane.Identity;
using Trellis.ControlPlane.Inputs;

namespace Trellis.ControlPlane;

/// <summary>Where the control plane keeps its configuration, where its workloads come from, which loopback ports it
/// serves, and the mesh's admin credential that every call changing or reading stored configuration must present.
/// The workload source is handed in (local mode's reads the runtime's pods) so the control plane references no
/// runtime; the caller owns and disposes it.</summary>
public sealed record ControlPlaneOptions(string StoreDirectory, IWorkloadSource Workloads, int XdsPort, int ApiPort, string AdminCredential)
{
    /// <summary>The CA and pod-token key; with them xDS clients must prove who they are. Null runs a control plane
    /// without identities (tests of translation and push), which serves every node unauthenticated.</summary>
    public IdentityOptions? Identity { get; init; }

    /// <summary>How often the control plane scrapes its proxies' metrics for the dashboard and `trellis top`.</summary>
    internal Observability.Scraping.ScrapeSettings Scrape { get; init; } = Observability.Scraping.ScrapeSettings.Default;
}
