using System.Net;
using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Routing;
using Trellis.Proxy.Tests.Support;
using HashPolicy = Envoy.Config.Route.V3.RouteAction.Types.HashPolicy;

namespace Trellis.Proxy.Tests.Routing;

public sealed class HashPoliciesTests
{
    private static readonly Trellis.Proxy.Listeners.ListenerModel Outbound = TestListeners.Plain("virtualOutbound", 15001,
        Envoy.Config.Core.V3.TrafficDirection.Outbound, new Trellis.Proxy.Listeners.HttpConnectionManagerModel("outbound", "outbound", null, [], true));

    private static HashPolicy Header(string name, bool terminal = false) => new() { Header = new HashPolicy.Types.Header { HeaderName = name }, Terminal = terminal };

    private static HashPolicy Cookie(string name, TimeSpan? ttl = null, string path = "")
    {
        var cookie = new HashPolicy.Types.Cookie { Name = name, Path = path };
        if (ttl is { } t) cookie.Ttl = Duration.FromTimeSpan(t);
        return new HashPolicy { Cookie = cookie };
    }

    private static RequestContext Request(Action<HttpRequest>? shape = null)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        http.Connection.RemotePort = 40000;
        http.Connection.LocalIpAddress = IPAddress.Loopback;
        http.Connection.LocalPort = 15001;
        shape?.Invoke(http.Request);
        return new RequestContext(http, ProxySnapshot.Empty, Outbound, Outbound.OnlyChain());
    }

    private static ulong? Compute(RequestContext request, params HashPolicy[] policies) => HashPolicies.From(policies, "route r").Compute(request);

    [Fact]
    public void A_header_hashes_its_value_and_a_missing_header_yields_no_hash()
    {
        var alice = Compute(Request(r => r.Headers["end-user"] = "alice"), Header("End-User"));
        Assert.Equal(HashPolicies.Hash("alice"), alice);
        Assert.NotEqual(alice, Compute(Request(r => r.Headers["end-user"] = "bob"), Header("end-user")));
        Assert.Null(Compute(Request(), Header("end-user")));
    }

    [Fact]
    public void Several_values_of_a_header_hash_the_same_in_any_order()
    {
        var one = Compute(Request(r => r.Headers["x-key"] = new(["a", "b"])), Header("x-key"));
        var other = Compute(Request(r => r.Headers["x-key"] = new(["b", "a"])), Header("x-key"));
        Assert.Equal(one, other);
        Assert.NotEqual(HashPolicies.Hash("a"), one);
    }

    [Fact]
    public void Policies_fold_in_order_and_a_terminal_policy_with_a_hash_stops_the_list()
    {
        var request = Request(r => { r.Headers["a"] = "1"; r.Headers["b"] = "2"; });
        var a = HashPolicies.Hash("1");
        var b = HashPolicies.Hash("2");
        Assert.Equal(System.Numerics.BitOperations.RotateLeft(a, 1) ^ b, Compute(request, Header("a"), Header("b")));
        Assert.Equal(a, Compute(request, Header("a", terminal: true), Header("b")));
        // A terminal policy that found nothing doesn't stop the list.
        Assert.Equal(b, Compute(request, Header("missing", terminal: true), Header("b")));
        // Two identical policies don't cancel out.
        Assert.NotEqual(0UL, Compute(request, Header("a"), Header("a")));
    }

    [Fact]
    public void Source_ip_and_query_parameter_hash_their_values()
    {
        var sourceIp = new HashPolicy { ConnectionProperties = new HashPolicy.Types.ConnectionProperties { SourceIp = true } };
        Assert.Equal(HashPolicies.Hash("10.1.2.3"), Compute(Request(), sourceIp));
        var query = new HashPolicy { QueryParameter = new HashPolicy.Types.QueryParameter { Name = "user" } };
        Assert.Equal(HashPolicies.Hash("carol"), Compute(Request(r => r.QueryString = new QueryString("?user=carol&user=dave")), query));
        Assert.Null(Compute(Request(r => r.QueryString = new QueryString("?other=1")), query));
    }

    [Fact]
    public void A_cookie_hashes_its_value_quoted_or_not()
    {
        Assert.Equal(HashPolicies.Hash("abc"), Compute(Request(r => r.Headers.Cookie = "session=abc"), Cookie("session")));
        Assert.Equal(HashPolicies.Hash("abc"), Compute(Request(r => r.Headers.Cookie = "x=1; session=\"abc\""), Cookie("session")));
        Assert.Null(Compute(Request(), Cookie("session")));
    }

    [Fact]
    public void Without_the_cookie_a_ttl_mints_one_for_the_client_to_keep()
    {
        var first = Request();
        var hash = Compute(first, Cookie("session", TimeSpan.FromHours(1), "/"));
        Assert.NotNull(hash);
        var set = first.AffinityCookie!;
        Assert.Matches("^session=\"[0-9a-f]{16}\"; Max-Age=3600; Path=/; HttpOnly$", set);

        var returned = set.Split(';')[0];
        var again = Request(r => r.Headers.Cookie = returned);
        Assert.Equal(hash, Compute(again, Cookie("session", TimeSpan.FromHours(1), "/")));
        Assert.Null(again.AffinityCookie);
    }

    [Fact]
    public void A_zero_ttl_mints_a_session_cookie()
    {
        var request = Request();
        Compute(request, Cookie("session", TimeSpan.Zero));
        Assert.Matches("^session=\"[0-9a-f]{16}\"; HttpOnly$", request.AffinityCookie!);
    }

    [Fact]
    public void A_policy_that_names_nothing_is_rejected_with_its_place()
    {
        var error = Assert.Throws<ConfigException>(() => HashPolicies.From([new HashPolicy { Header = new HashPolicy.Types.Header() }], "route r"));
        Assert.Contains("route r hash_policy[0]", error.Message);
    }
}
