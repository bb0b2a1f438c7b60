using Envoy.Config.Cluster.V3;
using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;
using HashPolicy = Envoy.Config.Route.V3.RouteAction.Types.HashPolicy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>Session affinity: a RING_HASH or MAGLEV cluster sends every request with the same hash key to
/// the same endpoint, and a cookie policy with a ttl hands the client a cookie that keeps it there.</summary>
public sealed class ConsistentHashTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private TestProxy _proxy = null!;
    private readonly List<Upstream> _upstreams = [];
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        for (var i = 0; i < 4; i++) _upstreams.Add(await Upstream.StartAsync($"reviews-{i}"));
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        foreach (var upstream in _upstreams) await upstream.DisposeAsync();
    }

    private Task ConfigureAsync(Cluster.Types.LbPolicy policy, params HashPolicy[] hashing)
    {
        var cluster = Eds(Reviews);
        cluster.LbPolicy = policy;
        var route = ToCluster(Reviews);
        route.Route_.HashPolicy.AddRange(hashing);
        return _proxy.PushAsync([cluster], [Endpoints(Reviews, _upstreams.Select(u => u.Port).ToArray())],
            [Listener("virtualOutbound", _port, "outbound")], [Routes("outbound", Host("reviews", ["reviews:9080"], route))]);
    }

    private async Task<(string Upstream, string? SetCookie)> GetAsync(HttpClient client, string? user = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/reviews/1");
        if (user is not null) request.Headers.Add("end-user", user);
        if (cookie is not null) request.Headers.Add("cookie", cookie);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues("set-cookie", out var values) ? values.Single() : null);
    }

    [Theory]
    [InlineData(Cluster.Types.LbPolicy.RingHash)]
    [InlineData(Cluster.Types.LbPolicy.Maglev)]
    public async Task Every_request_of_one_user_lands_on_the_same_endpoint_and_users_spread(Cluster.Types.LbPolicy policy)
    {
        await ConfigureAsync(policy, new HashPolicy { Header = new HashPolicy.Types.Header { HeaderName = "end-user" } });
        using var client = TestProxy.ClientVia(_port);
        var homes = new Dictionary<string, string>();
        for (var u = 0; u < 24; u++)
        {
            var user = $"user-{u}";
            var seen = new HashSet<string>();
            for (var i = 0; i < 5; i++) seen.Add((await GetAsync(client, user)).Upstream);
            homes[user] = Assert.Single(seen);
        }
        // 24 users all on one of 4 endpoints would be a 1 in 2^45 chance for a working hash.
        Assert.True(homes.Values.Distinct().Count() >= 2, string.Join(", ", homes.Values));
    }

    [Fact]
    public async Task Requests_without_the_hash_key_still_reach_an_endpoint()
    {
        await ConfigureAsync(Cluster.Types.LbPolicy.RingHash, new HashPolicy { Header = new HashPolicy.Types.Header { HeaderName = "end-user" } });
        using var client = TestProxy.ClientVia(_port);
        var seen = new HashSet<string>();
        for (var i = 0; i < 40; i++) seen.Add((await GetAsync(client)).Upstream);
        Assert.True(seen.Count >= 2, "without a hash the balancer picks at random");
    }

    [Fact]
    public async Task A_minted_cookie_keeps_the_client_on_its_endpoint()
    {
        var cookie = new HashPolicy.Types.Cookie { Name = "affinity", Path = "/", Ttl = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)) };
        await ConfigureAsync(Cluster.Types.LbPolicy.RingHash, new HashPolicy { Cookie = cookie });
        using var client = TestProxy.ClientVia(_port);

        var (first, setCookie) = await GetAsync(client);
        Assert.NotNull(setCookie);
        Assert.Matches("^affinity=\"[0-9a-f]{16}\"; Max-Age=1800; Path=/; HttpOnly$", setCookie);
        var returned = setCookie!.Split(';')[0];
        for (var i = 0; i < 10; i++)
        {
            var (upstream, again) = await GetAsync(client, cookie: returned);
            Assert.Equal(first, upstream);
            Assert.Null(again);
        }
    }
}
