using Trellis.Xds.Server;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>A stream's subscription shares the name sets of the resource sets it asks for whole, and is still exactly
/// the names asked for.</summary>
public sealed class SubscribedNamesTests
{
    private static readonly XdsResourceSet Shared = new([Resources.EdsCluster("outbound-a"), Resources.EdsCluster("outbound-b")]);
    private static readonly XdsResourceSet Own = new([Resources.EdsCluster("inbound")]);

    [Fact]
    public void Names_that_cover_whole_sets_are_held_as_those_sets()
    {
        var names = SubscribedNames.Of(["inbound", "outbound-b", "outbound-a"], [Shared, Own]);

        Assert.Equal(0, names.HeldApart);
        Assert.Equal(3, names.Count);
        Assert.Equal(["inbound", "outbound-a", "outbound-b"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Names_that_cover_part_of_a_set_or_none_are_held_apart_and_nothing_is_added()
    {
        var names = SubscribedNames.Of(["outbound-a", "missing", "outbound-a"], [Shared, Own]);

        Assert.Equal(2, names.HeldApart);
        Assert.Equal(["missing", "outbound-a"], names.Order(StringComparer.Ordinal));
        Assert.True(names.Contains("outbound-a"));
        Assert.False(names.Contains("outbound-b"));
        Assert.False(names.Contains("inbound"));
    }

    [Fact]
    public void Equal_subscriptions_are_equal_however_they_are_held()
    {
        var whole = SubscribedNames.Of(["outbound-a", "outbound-b"], [Shared]);
        var apart = SubscribedNames.Of(["outbound-b", "outbound-a"], []);

        Assert.True(whole.SetEquals(apart));
        Assert.True(apart.SetEquals(whole));
        Assert.False(whole.SetEquals(SubscribedNames.Of(["outbound-a", "inbound"], [])));
    }
}
