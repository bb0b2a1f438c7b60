using Envoy.Config.Listener.V3;
using Envoy.Config.Rbac.V3;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;
using Action = Envoy.Config.Rbac.V3.RBAC.Types.Action;
using NetworkRbac = Envoy.Extensions.Filters.Network.Rbac.V3.RBAC;

namespace Trellis.Proxy.Tests.Listeners;

/// <summary>envoy.filters.network.rbac in front of the connection manager: decided once per connection at L4; a
/// denied connection is closed before any request on it reaches the app.</summary>
public sealed class NetworkRbacTests : IAsyncLifetime
{
    private const string App = "inbound|9080||";
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = await Upstream.StartAsync("ratings-v1");
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    private Task ConfigureAsync(RBAC rules) =>
        _proxy.PushAsync([Eds(App)], [Endpoints(App, _app.Port)],
            [Hcms.Listener("virtualInbound", _port, Hcms.Hcm("inbound"), TrafficDirection.Inbound,
                new Filter { Name = "envoy.filters.network.rbac", TypedConfig = Any.Pack(new NetworkRbac { StatPrefix = "tcp.", Rules = rules }) })],
            [Routes("inbound", Host("app", ["*"], ToCluster(App)))]);

    [Fact]
    public async Task A_denied_connection_is_closed_before_the_app_sees_anything()
    {
        await ConfigureAsync(RbacPolicies.Rules(Action.Deny, ("ns[bookinfo]-policy[deny-port]-rule[0]", new Permission { DestinationPort = (uint)_port }, RbacPolicies.AnyPrincipal())));
        var answer = await RawHttp.GetAsync(_port, "/ratings/1");
        Assert.Equal(0, answer.Status);
        Assert.Equal(0, _app.Requests);
    }

    [Fact]
    public async Task An_allowed_source_gets_through_and_http_rules_never_match_at_l4()
    {
        await ConfigureAsync(RbacPolicies.Rules(Action.Allow,
            ("from-loopback", RbacPolicies.AnyPermission(), new Principal { DirectRemoteIp = new CidrRange { AddressPrefix = "127.0.0.0", PrefixLen = 8 } })));
        Assert.Equal(200, (await RawHttp.GetAsync(_port, "/ratings/1")).Status);
        await ConfigureAsync(RbacPolicies.Rules(Action.Allow, ("paths", RbacPolicies.PathPrefix("/"), RbacPolicies.AnyPrincipal())));
        Assert.Equal(0, (await RawHttp.GetAsync(_port, "/ratings/1")).Status);
        Assert.Equal(1, _app.Requests);
    }
}
