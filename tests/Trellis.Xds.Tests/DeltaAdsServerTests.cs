using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>Incremental ADS as Envoy's DELTA_GRPC speaks it: responses carry only the resources whose version changed
/// and the names of removed ones; a reconnecting client that announces what it has gets only the difference.</summary>
public sealed class DeltaAdsServerTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private static DeltaDiscoveryRequest Subscribe(string type, params string[] names)
    {
        var request = new DeltaDiscoveryRequest { TypeUrl = type };
        request.ResourceNamesSubscribe.AddRange(names);
        return request;
    }

    private static string[] Names(DeltaDiscoveryResponse response) => response.Resources.Select(r => r.Name).ToArray();

    [Fact]
    public async Task A_change_to_one_resource_sends_that_resource_and_a_deletion_sends_its_name()
    {
        const string node = "delta~changes";
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Snapshot("1", Resources.EdsCluster("c1"), Resources.EdsCluster("c2")));
        await using var call = RawAdsCall.Incremental(server.Address);

        var first = Subscribe(TypeUrls.Cluster, "*");
        first.Node = new Node { Id = node };
        await call.SendAsync(first);
        var v1 = await call.NextAsync();
        Assert.Equal(["c1", "c2"], Names(v1));
        Assert.Equal("1", v1.SystemVersionInfo);
        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResponseNonce = v1.Nonce });
        await Eventually.HoldsAsync(() => server.Registry.Status(node, TypeUrls.Cluster)?.AckedVersion == "1", "CDS acked");

        var changed = Resources.EdsCluster("c2");
        changed.EdsClusterConfig.ServiceName = "c2-renamed";
        server.Cache.SetSnapshot(node, Resources.Snapshot("2", Resources.EdsCluster("c1"), changed));
        var v2 = await call.NextAsync();
        Assert.Equal(["c2"], Names(v2));
        Assert.Empty(v2.RemovedResources);
        Assert.NotEqual(v1.Resources[1].Version, v2.Resources[0].Version);

        // A new version whose resources are unchanged: the node is told the version, with no resource.
        server.Cache.SetSnapshot(node, Resources.Snapshot("3", Resources.EdsCluster("c1"), changed));
        var v3 = await call.NextAsync();
        Assert.Equal(("3", 0, 0), (v3.SystemVersionInfo, v3.Resources.Count, v3.RemovedResources.Count));
        server.Cache.SetSnapshot(node, Resources.Snapshot("3", Resources.EdsCluster("c1"), changed));
        await call.ExpectNothingAsync(Quiet, "the same version must not be sent again");

        server.Cache.SetSnapshot(node, Resources.Snapshot("4", changed));
        var v4 = await call.NextAsync();
        Assert.Empty(v4.Resources);
        Assert.Equal(["c1"], v4.RemovedResources);
        Assert.Equal("4", v4.SystemVersionInfo);
    }

    [Fact]
    public async Task A_reconnecting_client_that_announces_its_versions_gets_only_what_changed()
    {
        const string node = "delta~reconnect";
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Snapshot("1", Resources.EdsCluster("c1"), Resources.EdsCluster("c2")));
        string c1Version;
        await using (var call = RawAdsCall.Incremental(server.Address))
        {
            var first = Subscribe(TypeUrls.Cluster, "*");
            first.Node = new Node { Id = node };
            await call.SendAsync(first);
            c1Version = (await call.NextAsync()).Resources.Single(r => r.Name == "c1").Version;
        }

        await using var again = RawAdsCall.Incremental(server.Address);
        var resumed = Subscribe(TypeUrls.Cluster, "*");
        resumed.Node = new Node { Id = node };
        resumed.InitialResourceVersions["c1"] = c1Version;
        resumed.InitialResourceVersions["c2"] = "stale";
        resumed.InitialResourceVersions["gone"] = "old";
        await again.SendAsync(resumed);
        var response = await again.NextAsync();
        Assert.Equal(["c2"], Names(response));
        Assert.Equal(["gone"], response.RemovedResources);
    }

    [Fact]
    public async Task Named_subscriptions_get_what_they_name_and_a_name_that_does_not_exist_is_answered_as_removed()
    {
        const string node = "delta~named";
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        await using var call = RawAdsCall.Incremental(server.Address);

        var first = Subscribe(TypeUrls.ClusterLoadAssignment, "c1", "missing");
        first.Node = new Node { Id = node };
        await call.SendAsync(first);
        var response = await call.NextAsync();
        Assert.Equal(["c1"], Names(response));
        Assert.Equal(["missing"], response.RemovedResources);
        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.ClusterLoadAssignment, ResponseNonce = response.Nonce });

        await call.SendAsync(Subscribe(TypeUrls.ClusterLoadAssignment, "c2"));
        Assert.Equal(["c2"], Names(await call.NextAsync()));

        var unsubscribe = new DeltaDiscoveryRequest { TypeUrl = TypeUrls.ClusterLoadAssignment, ResourceNamesUnsubscribe = { "c1" } };
        await call.SendAsync(unsubscribe);
        await call.ExpectNothingAsync(Quiet, "an unsubscription needs no answer");
    }

    [Fact]
    public async Task A_nack_is_recorded_with_its_reason_and_the_same_resources_are_not_resent()
    {
        const string node = "delta~nack";
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        await using var call = RawAdsCall.Incremental(server.Address);

        var first = Subscribe(TypeUrls.Listener, "*");
        first.Node = new Node { Id = node };
        await call.SendAsync(first);
        var v1 = await call.NextAsync();
        await call.SendAsync(new DeltaDiscoveryRequest
        {
            TypeUrl = TypeUrls.Listener, ResponseNonce = v1.Nonce,
            ErrorDetail = new Google.Rpc.Status { Code = 3, Message = "listener l1: no filter chain matches" },
        });
        await call.ExpectNothingAsync(Quiet, "a rejected resource must not be sent again");
        var status = server.Registry.Status(node, TypeUrls.Listener)!;
        Assert.Equal(("1", "listener l1: no filter chain matches"), (status.NackedVersion, status.NackError));
        Assert.Null(status.AckedVersion);
    }

    [Fact]
    public async Task Subscribing_again_to_a_name_the_node_holds_sends_it_again()
    {
        const string node = "delta~resubscribe";
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        await using var call = RawAdsCall.Incremental(server.Address);

        var first = Subscribe(TypeUrls.ClusterLoadAssignment, "c1");
        first.Node = new Node { Id = node };
        await call.SendAsync(first);
        var response = await call.NextAsync();
        Assert.Equal(["c1"], Names(response));
        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.ClusterLoadAssignment, ResponseNonce = response.Nonce });

        // The node may have forgotten it: the protocol has the server provide it anyway.
        await call.SendAsync(Subscribe(TypeUrls.ClusterLoadAssignment, "c1"));
        Assert.Equal(["c1"], Names(await call.NextAsync()));
    }

    [Fact]
    public async Task Unsubscribing_from_a_name_beside_the_wildcard_is_answered_with_the_resource_or_its_removal()
    {
        const string node = "delta~wildcard-unsubscribe";
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        await using var call = RawAdsCall.Incremental(server.Address);

        var first = Subscribe(TypeUrls.Cluster, "*", "c1", "absent");
        first.Node = new Node { Id = node };
        await call.SendAsync(first);
        var response = await call.NextAsync();
        Assert.Equal(["c1", "c2"], Names(response));
        Assert.Equal(["absent"], response.RemovedResources);
        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResponseNonce = response.Nonce });

        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResourceNamesUnsubscribe = { "c1" } });
        var kept = await call.NextAsync();
        Assert.Equal(["c1"], Names(kept));
        Assert.Empty(kept.RemovedResources);

        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResourceNamesUnsubscribe = { "absent" } });
        var removed = await call.NextAsync();
        Assert.Empty(removed.Resources);
        Assert.Equal(["absent"], removed.RemovedResources);

        // Without the wildcard, unsubscribing needs no answer.
        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResourceNamesSubscribe = { "c2" }, ResourceNamesUnsubscribe = { "*" } });
        Assert.Equal(["c2"], Names(await call.NextAsync()));
        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResourceNamesUnsubscribe = { "c2" } });
        await call.ExpectNothingAsync(Quiet, "an unsubscription without a wildcard needs no answer");
    }

    [Fact]
    public async Task Star_subscribes_to_a_name_not_to_everything_for_types_without_a_wildcard()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        await using var call = RawAdsCall.Incremental(server.Address);

        var first = Subscribe(TypeUrls.ClusterLoadAssignment, "*");
        first.Node = new Node { Id = "delta~eds-star" };
        await call.SendAsync(first);

        var response = await call.NextAsync();
        Assert.Empty(response.Resources);
        Assert.Equal(["*"], response.RemovedResources);
    }

    [Fact]
    public async Task A_first_request_that_names_nothing_is_the_legacy_wildcard_and_names_added_later_keep_it()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        await using var call = RawAdsCall.Incremental(server.Address);

        await call.SendAsync(new DeltaDiscoveryRequest { Node = new Node { Id = "delta~legacy" }, TypeUrl = TypeUrls.Cluster });
        var response = await call.NextAsync();
        Assert.Equal(["c1", "c2"], Names(response));
        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResponseNonce = response.Nonce });

        await call.SendAsync(Subscribe(TypeUrls.Cluster, "c1"));
        Assert.Equal(["c1"], Names(await call.NextAsync()));
        await call.SendAsync(new DeltaDiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResourceNamesUnsubscribe = { "c1" } });
        Assert.Equal(["c1"], Names(await call.NextAsync()));
    }
}
