using Envoy.Config.Cluster.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>One instance per distinct resource, kept across computations while it comes out the same.</summary>
public sealed class ResourceInternerTests
{
    private static Cluster Reviews(int timeoutSeconds = 10) => new()
    {
        Name = "outbound|9080||reviews.default.svc.cluster.local",
        ConnectTimeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(timeoutSeconds)),
    };

    [Fact]
    public void Equal_resources_of_one_computation_share_the_first_instance()
    {
        var interner = new ResourceInterner();
        var first = interner.Intern(Reviews());

        Assert.Same(first, interner.Intern(Reviews()));
        Assert.NotSame(first, interner.Intern(Reviews(timeoutSeconds: 5)));
    }

    [Fact]
    public void A_resource_that_comes_out_as_before_keeps_the_last_computations_instance()
    {
        var before = new ResourceInterner();
        var held = before.Intern(Reviews());
        var changed = before.Intern(Reviews(timeoutSeconds: 5));

        var after = new ResourceInterner(before);

        Assert.Same(held, after.Intern(Reviews()));
        Assert.NotSame(changed, after.Intern(Reviews(timeoutSeconds: 7)));
    }

    [Fact]
    public void Only_the_last_computation_is_consulted()
    {
        var first = new ResourceInterner();
        var gone = first.Intern(Reviews(timeoutSeconds: 5));
        var second = new ResourceInterner(first);
        second.Intern(Reviews());

        var third = new ResourceInterner(second);

        Assert.NotSame(gone, third.Intern(Reviews(timeoutSeconds: 5)));
    }
}
