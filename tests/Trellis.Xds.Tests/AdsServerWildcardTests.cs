using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Trellis.Xds.Server;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>State-of-the-world wildcard subscriptions as the xDS protocol defines them ("How the client specifies what
/// resources to return"): "*" or, until the stream names anything, an empty list subscribes listeners and clusters to
/// everything; after that an empty list unsubscribes from everything; other types have no wildcard.</summary>
public sealed class AdsServerWildcardTests
{
    private static XdsSnapshot Clusters() => Resources.Snapshot("1", Resources.EdsCluster("c1"), Resources.EdsCluster("c2"), Resources.Endpoints("c1", 10001));

    private static string[] Names(DiscoveryResponse response) =>
        response.Resources.Select(a => TypeUrls.NameOf(TypeUrls.ParserFor(a.TypeUrl)!.ParseFrom(a.Value))).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task An_explicit_star_subscribes_to_every_cluster()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Clusters());
        await using var call = RawAdsCall.StateOfTheWorld(server.Address);

        await call.SendAsync(new DiscoveryRequest { Node = new Node { Id = "sotw~star" }, TypeUrl = TypeUrls.Cluster, ResourceNames = { "*" } });

        Assert.Equal(["c1", "c2"], Names(await call.NextAsync()));
    }

    [Fact]
    public async Task Once_names_were_given_an_empty_list_unsubscribes_instead_of_meaning_the_wildcard()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Clusters());
        await using var call = RawAdsCall.StateOfTheWorld(server.Address);

        await call.SendAsync(new DiscoveryRequest { Node = new Node { Id = "sotw~legacy" }, TypeUrl = TypeUrls.Cluster });
        var wildcard = await call.NextAsync();
        Assert.Equal(["c1", "c2"], Names(wildcard));

        await call.SendAsync(new DiscoveryRequest { TypeUrl = TypeUrls.Cluster, VersionInfo = "1", ResponseNonce = wildcard.Nonce, ResourceNames = { "*", "c1" } });
        await call.ExpectNothingAsync(TimeSpan.FromMilliseconds(300), "'*' and a name the wildcard holds change nothing");

        await call.SendAsync(new DiscoveryRequest { TypeUrl = TypeUrls.Cluster, VersionInfo = "1", ResponseNonce = wildcard.Nonce, ResourceNames = { "c1" } });
        var named = await call.NextAsync();
        Assert.Equal(["c1"], Names(named));

        await call.SendAsync(new DiscoveryRequest { TypeUrl = TypeUrls.Cluster, VersionInfo = "1", ResponseNonce = named.Nonce });
        var none = await call.NextAsync();
        Assert.Empty(none.Resources);
    }

    [Fact]
    public async Task Star_is_an_ordinary_name_for_endpoints()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Clusters());
        await using var call = RawAdsCall.StateOfTheWorld(server.Address);

        await call.SendAsync(new DiscoveryRequest { Node = new Node { Id = "sotw~eds-star" }, TypeUrl = TypeUrls.ClusterLoadAssignment, ResourceNames = { "*" } });

        Assert.Empty((await call.NextAsync()).Resources);
    }
}
