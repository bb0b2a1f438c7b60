using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>The ingress gateway's listener: bound where the gateway was told (loopback by default) under Istio's
/// listener name, and quiet about internals towards outside clients unless the mesh config says otherwise.</summary>
public sealed class GatewayListenerTests
{
    private static Listener GatewayListener(Trellis.ControlPlane.Mesh.MeshModel mesh, ProxyNode node) =>
        (Listener)ProxyConfigBuilder.Build(mesh, node).Listeners.Single();

    private static Router RouterOf(Listener listener) =>
        listener.FilterChains[0].Filters[0].TypedConfig.Unpack<HttpConnectionManager>().HttpFilters.Last().TypedConfig.Unpack<Router>();

    private static ProxyNode Gateway(string? address) => ProxyNode.From(
        "router~127.0.0.1~istio-ingressgateway-abc.istio-system~istio-system.svc.cluster.local",
        address is null
            ? new Dictionary<string, string> { [ProxyNode.HttpPortKey] = "8080" }
            : new Dictionary<string, string> { [ProxyNode.HttpPortKey] = "8080", [ProxyNode.HttpAddressKey] = address },
        new Dictionary<string, string> { ["istio"] = "ingressgateway" });

    [Fact]
    public void The_gateway_binds_loopback_by_default_under_istios_listener_name()
    {
        var listener = GatewayListener(MeshFixture.Bookinfo(), Gateway(null));

        Assert.Equal("0.0.0.0_8080", listener.Name);
        Assert.Equal("127.0.0.1", listener.Address.SocketAddress.Address);
        Assert.Equal(8080u, listener.Address.SocketAddress.PortValue);
    }

    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("::1", "::1")]
    [InlineData("not-an-address", "127.0.0.1")]
    public void The_gateway_binds_the_address_it_was_given_when_that_is_an_ip(string given, string bound) =>
        Assert.Equal(bound, GatewayListener(MeshFixture.Bookinfo(), Gateway(given)).Address.SocketAddress.Address);

    [Fact]
    public void The_gateway_suppresses_reason_headers_by_default()
    {
        Assert.True(RouterOf(GatewayListener(MeshFixture.Bookinfo(), Gateway(null))).SuppressEnvoyHeaders);
    }

    [Fact]
    public void The_gateway_strips_the_reasons_sidecars_behind_it_give_by_default()
    {
        var routes = (Envoy.Config.Route.V3.RouteConfiguration)ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), Gateway(null)).Routes.Single();

        Assert.Contains("x-trellis-reason", routes.ResponseHeadersToRemove);
    }

    [Fact]
    public void The_mesh_config_switch_lets_the_gateway_show_reasons()
    {
        var mesh = MeshFixture.Bookinfo(OutboundPolicyTests.MeshConfig("REGISTRY_ONLY", gatewayReasons: true));

        Assert.False(RouterOf(GatewayListener(mesh, Gateway(null))).SuppressEnvoyHeaders);
        Assert.Empty(((Envoy.Config.Route.V3.RouteConfiguration)ProxyConfigBuilder.Build(mesh, Gateway(null)).Routes.Single()).ResponseHeadersToRemove);
    }

    [Fact]
    public void Sidecars_keep_reason_headers_for_their_apps()
    {
        var listeners = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1")).Listeners;

        Assert.All(listeners.Cast<Listener>(), l => Assert.False(RouterOf(l).SuppressEnvoyHeaders));
    }
}
