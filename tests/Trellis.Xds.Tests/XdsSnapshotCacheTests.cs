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

    [Fact]
    public void A_node_id_is_forgotten_with_its_last_watcher()
    {
        var cache = new XdsSnapshotCache();
        for (var i = 0; i < 1000; i++) cache.Watch($"node-{i}", () => { }).Dispose();
        Assert.Equal(0, cache.WatchedNodes);

        var woken = 0;
        using var kept = cache.Watch("node", () => woken++);
        cache.Watch("node", () => { }).Dispose();
        cache.SetSnapshot("node", Clusters("a"));
        Assert.Equal((1, 1), (cache.WatchedNodes, woken));
    }
}
