using System.Runtime.CompilerServices;
using Envoy.Config.Cluster.V3;
using Trellis.Xds.Server;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>A snapshot may be made of resource sets that many nodes share; what a node is sent is the same as if it held
/// the resources itself.</summary>
public sealed class XdsResourceSetTests
{
    private static Cluster Cluster(string name, uint timeoutSeconds = 1)
    {
        var cluster = Resources.EdsCluster(name);
        cluster.ConnectTimeout = new Google.Protobuf.WellKnownTypes.Duration { Seconds = timeoutSeconds };
        return cluster;
    }

    private static XdsSnapshot Snapshot(params XdsResourceSet[] parts) =>
        new(new Dictionary<string, IReadOnlyList<XdsResourceSet>> { [TypeUrls.Cluster] = parts });

    private static List<string> Names(IEnumerable<XdsResource> resources) => resources.Select(r => r.Name).ToList();

    [Fact]
    public void A_name_given_twice_is_refused_with_the_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new XdsResourceSet([Cluster("a"), Cluster("a", 2)]));

        Assert.Contains("'a'", error.Message);
    }

    [Fact]
    public void Equal_resources_have_equal_versions_and_a_changed_one_changes_the_version()
    {
        var version = new XdsResourceSet([Cluster("b"), Cluster("a")]).ContentVersion;

        Assert.Equal(version, new XdsResourceSet([Cluster("a"), Cluster("b")]).ContentVersion);
        Assert.NotEqual(version, new XdsResourceSet([Cluster("a"), Cluster("b", 2)]).ContentVersion);
    }

    [Fact]
    public void A_snapshot_of_shared_sets_serves_every_part_by_wildcard_and_by_name()
    {
        var shared = new XdsResourceSet([Cluster("outbound-b"), Cluster("outbound-a")]);
        var snapshot = Snapshot(shared, new XdsResourceSet([Cluster("inbound")]));

        Assert.Equal(["outbound-a", "outbound-b", "inbound"], Names(snapshot.Resources(TypeUrls.Cluster, null)));
        Assert.Equal(["inbound", "outbound-b"], Names(snapshot.Resources(TypeUrls.Cluster, new HashSet<string> { "outbound-b", "inbound", "missing" })));
    }

    [Fact]
    public void A_subscribed_name_is_held_as_the_shared_resources_own_instance_and_an_unknown_one_as_given()
    {
        var shared = new XdsResourceSet([Cluster("outbound-a")]);
        var requested = new string("outbound-a".AsSpan());

        var held = Snapshot(shared).Canonical(TypeUrls.Cluster, requested);

        Assert.Same(shared.Ordered[0].Name, held);
        Assert.NotSame(requested, held);
        var unknown = new string("missing".AsSpan());
        Assert.Same(unknown, Snapshot(shared).Canonical(TypeUrls.Cluster, unknown));
        Assert.Same(requested, Snapshot(shared).Canonical(TypeUrls.ClusterLoadAssignment, requested));
    }

    [Fact]
    public void A_snapshots_version_follows_each_of_its_parts()
    {
        var shared = new XdsResourceSet([Cluster("outbound")]);
        var version = Snapshot(shared, new XdsResourceSet([Cluster("inbound")])).VersionOf(TypeUrls.Cluster);

        Assert.Equal(version, Snapshot(shared, new XdsResourceSet([Cluster("inbound")])).VersionOf(TypeUrls.Cluster));
        Assert.NotEqual(version, Snapshot(shared, new XdsResourceSet([Cluster("inbound", 2)])).VersionOf(TypeUrls.Cluster));
        Assert.NotEqual(version, Snapshot(new XdsResourceSet([Cluster("outbound", 2)]), new XdsResourceSet([Cluster("inbound")])).VersionOf(TypeUrls.Cluster));
    }

    [Fact]
    public void A_set_keeps_its_resources_bytes_and_lets_the_messages_they_were_made_from_go()
    {
        var (set, message) = SetOfOneCluster("outbound-a");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(message.TryGetTarget(out _));
        Assert.Equal(Cluster("outbound-a"), set.Find("outbound-a")!.Message<Cluster>());
        Assert.Contains("'outbound-a'", Assert.Throws<ArgumentException>(() => new XdsResourceSet([set.Ordered[0], set.Ordered[0]])).Message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (XdsResourceSet Set, WeakReference<Cluster> Message) SetOfOneCluster(string name)
    {
        var cluster = Cluster(name);
        return (new XdsResourceSet([cluster]), new WeakReference<Cluster>(cluster));
    }
}
