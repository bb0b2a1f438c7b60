using System.Net;
using Trellis.Proxy.Authorization;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Authorization;

/// <summary>The original client (RBAC remote_ip), worked through the examples of Envoy's x-forwarded-for documentation.</summary>
public sealed class ForwardedForTests
{
    private const string Xff = "203.0.113.128, 203.0.113.10, 203.0.113.1";

    private static string? Client(string? xff, string peer, bool useRemoteAddress, uint hops)
    {
        var request = xff is null ? Requests.Get("/") : Requests.Get("/", headers: ("x-forwarded-for", xff));
        return ForwardedFor.ClientAddress(request, IPAddress.Parse(peer), useRemoteAddress, hops)?.ToString();
    }

    [Fact]
    public void Follows_envoys_documented_examples()
    {
        Assert.Equal("192.0.2.5", Client(Xff, "192.0.2.5", true, 0));
        Assert.Equal("192.0.2.5", Client(Xff + ", 192.0.2.5", "10.11.12.13", false, 0));
        Assert.Equal("203.0.113.10", Client(Xff, "192.0.2.5", true, 2));
        Assert.Equal("203.0.113.10", Client(Xff + ", 192.0.2.5", "10.11.12.13", false, 2));
    }

    [Fact]
    public void Falls_back_to_the_peer_when_the_header_cannot_say()
    {
        Assert.Equal("10.0.0.1", Client(null, "10.0.0.1", false, 0));
        Assert.Equal("10.0.0.1", Client("203.0.113.1", "10.0.0.1", false, 3));
        Assert.Equal("10.0.0.1", Client("not-an-ip", "10.0.0.1", false, 0));
    }
}
