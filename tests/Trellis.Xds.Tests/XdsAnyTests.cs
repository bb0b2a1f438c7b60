using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Xds.Tests;

/// <summary>Any packing carries Envoy's type URLs, and unpacking finds the message type from them.</summary>
public sealed class XdsAnyTests
{
    [Fact]
    public void Packed_resources_carry_the_type_urls_xds_clients_subscribe_to()
    {
        Assert.Equal(TypeUrls.Listener, XdsAny.Pack(new Listener()).TypeUrl);
        Assert.Equal(TypeUrls.Cluster, XdsAny.Pack(new Cluster()).TypeUrl);
        Assert.Equal("type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            XdsAny.Pack(new HttpConnectionManager()).TypeUrl);
        Assert.Equal("type.googleapis.com/envoy.extensions.filters.http.router.v3.Router", XdsAny.Pack(new Router()).TypeUrl);
    }

    [Fact]
    public void Every_any_of_a_type_shares_one_type_url_and_packs_as_protobuf_does()
    {
        var router = new Router { SuppressEnvoyHeaders = true };

        Assert.Same(XdsAny.Pack(router).TypeUrl, XdsAny.Pack(new Router()).TypeUrl);
        Assert.Equal(Any.Pack(router), XdsAny.Pack(router));
    }

    [Fact]
    public void Unpack_decodes_by_type_url_and_rejects_unknown_types()
    {
        var hcm = new HttpConnectionManager { StatPrefix = "inbound_9080", HttpFilters = { new HttpFilter { Name = "envoy.filters.http.router" } } };

        Assert.Equal(hcm, XdsAny.Unpack(XdsAny.Pack(hcm)));
        Assert.Equal(new Router { SuppressEnvoyHeaders = true }, XdsAny.Unpack(XdsAny.Pack(new Router { SuppressEnvoyHeaders = true })));
        var unknown = new Any { TypeUrl = "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua", Value = ByteString.Empty };
        Assert.Contains("lua", Assert.Throws<ArgumentException>(() => XdsAny.Unpack(unknown)).Message, StringComparison.Ordinal);
        var garbage = new Any { TypeUrl = TypeUrls.Listener, Value = ByteString.CopyFrom(0x0a, 0x05, 0x61) };
        Assert.Throws<InvalidProtocolBufferException>(() => XdsAny.Unpack(garbage));
    }

    [Fact]
    public void UnpackAs_returns_null_for_another_type_or_no_value()
    {
        var packed = XdsAny.Pack(new Router());

        Assert.NotNull(XdsAny.UnpackAs<Router>(packed));
        Assert.Null(XdsAny.UnpackAs<HttpConnectionManager>(packed));
        Assert.Null(XdsAny.UnpackAs<Router>(null));
    }
}
