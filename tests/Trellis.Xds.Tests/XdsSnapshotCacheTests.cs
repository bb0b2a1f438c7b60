using Trellis.Xds.Server;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>Setting a node's snapshot wakes its streams when something changed, and only then.</summary>
public sealed class XdsSnapshotCacheTests
{
    private static XdsSnapshot Clusters(params string[] names) =>
        new(new Dictionary<string, IReadOnlyList<XdsResourceSet>> { [TypeUrls.Cluster] = [new XdsResourceSet(names.Select(Resources.EdsCluster))] });

    [Fact]
    public void A_snapshot_with_the_same_versions_keeps_the_one_held_and_wakes_nobody()
    {
        var cache = new XdsSnapshotCache();
        var woken = 0;
        using var watch = cache.Watch("node", () => woken++);
        var first = Clusters("a", "b");
        cache.SetSnapshot("node", first);

        cache.SetSnapshot("node", Clusters("a", "b"));

        Assert.Equal(1, woken);
        Assert.True(cache.TryGet("node", out var held));
        Assert.Same(first, held);
    }

    [Fact]
    public void A_snapshot_with_a_changed_type_replaces_the_one_held_and_wakes_its_streams()
    {
        var cache = new XdsSnapshotCache();
        var woken = 0;
        using var watch = cache.Watch("node", () => woken++);
        cache.SetSnapshot("node", Clusters("a", "b"));
        var changed = Clusters("a", "c");

        cache.SetSnapshot("node", changed);

        Assert.Equal(2, woken);
        Assert.True(cache.TryGet("node", out var held));
        Assert.Same(changed, held);
    }
}
