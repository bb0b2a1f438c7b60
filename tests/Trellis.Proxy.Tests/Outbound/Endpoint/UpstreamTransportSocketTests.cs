using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Outbound.Endpoint;

/// <summary>A cluster's transport_socket: plaintext (none, or Envoy's raw_buffer) is served; anything else is rejected
/// naming the cluster, never sent in the clear, and the last good configuration keeps serving.</summary>
public sealed class UpstreamTransportSocketTests : IAsyncLifetime
{
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = await Upstream.StartAsync("a");
        _port = Ports.Free();
        await _proxy.PushAsync([Eds("a")], [Endpoints("a", _app.Port)], [Listener("out", _port, "r")], [Routes("r", Host("h", ["*"], ToCluster("a")))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Raw_buffer_is_plaintext()
    {
        var byName = Eds("a");
        byName.TransportSocket = new TransportSocket { Name = "envoy.transport_sockets.raw_buffer" };
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Cluster, byName));
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal("a", await client.GetStringAsync("http://any/"));

        var byType = Eds("a");
        byType.TransportSocket = new TransportSocket
        {
            Name = "anything",
            TypedConfig = new Any { TypeUrl = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer" },
        };
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Cluster, byType));
        Assert.Equal("a", await client.GetStringAsync("http://any/"));
    }

    [Fact]
    public async Task An_unknown_socket_is_rejected_naming_the_cluster_and_the_last_good_config_keeps_serving()
    {
        var alts = Eds("a");
        alts.TransportSocket = new TransportSocket
        {
            Name = "envoy.transport_sockets.alts",
            TypedConfig = new Any { TypeUrl = "type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts" },
        };

        var error = await _proxy.ApplyAsync(TypeUrls.Cluster, alts);

        Assert.Equal("cluster \"a\": transport socket \"type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts\" " +
            "is not supported (envoy.transport_sockets.raw_buffer, or envoy.transport_sockets.tls with an UpstreamTlsContext)", error);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal("a", await client.GetStringAsync("http://any/"));
    }
}
