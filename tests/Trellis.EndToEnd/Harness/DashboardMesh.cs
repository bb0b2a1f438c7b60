namespace Trellis.EndToEnd.Harness;

/// <summary>A Bookinfo mesh of its own for the dashboard's scenarios, so the traffic they count is only theirs.</summary>
public sealed class DashboardMesh() : BookinfoMesh("trellis-e2e-dashboard-");

/// <summary>The dashboard's scenarios share one mesh and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardMesh>
{
    public const string Name = "dashboard mesh";
}
