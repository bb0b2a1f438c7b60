using Trellis.Proxy.Security;

namespace Trellis.Proxy.Tests.Security;

public sealed class DownstreamTlsInfoTests
{
    [Fact]
    public void A_value_derived_from_the_handshake_is_computed_once_per_connection_and_key()
    {
        var connection = new DownstreamTlsInfo(null, "spiffe://cluster.local/ns/a/sa/b", null, null);
        var (policy, otherPolicy) = (new object(), new object());
        var computed = 0;
        string Compute(object key, string argument, DownstreamTlsInfo info) => $"{argument}:{++computed}";

        var first = connection.Memoized(policy, "x", Compute);
        var second = connection.Memoized(policy, "x", Compute);
        var afterReload = connection.Memoized(otherPolicy, "x", Compute);

        Assert.Same(first, second);
        Assert.Equal(("x:1", "x:2", 2), (first, afterReload, computed));
    }
}
