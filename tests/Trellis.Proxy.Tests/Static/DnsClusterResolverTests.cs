using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.Proxy.Static;

namespace Trellis.Proxy.Tests.Static;

public sealed class DnsClusterResolverTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>A DNS whose answers the test changes, counting lookups so a test knows a refresh has happened.</summary>
    private sealed class FakeDns
    {
        public readonly ConcurrentDictionary<string, string[]> Answers = new(StringComparer.OrdinalIgnoreCase);
        public readonly Channel<string> Lookups = Channel.CreateUnbounded<string>();

        public Task<IPAddress[]> LookupAsync(string host, CancellationToken ct)
        {
            Lookups.Writer.TryWrite(host);
            return Answers.TryGetValue(host, out var ips)
                ? Task.FromResult(ips.Select(IPAddress.Parse).ToArray())
                : Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException(11001));
        }

        /// <summary>Returns once <paramref name="count"/> lookups have started from now on, so the refreshes before them are done.</summary>
        public async Task LookupsAsync(int count)
        {
            while (Lookups.Reader.TryRead(out _)) { }
            using var cts = new CancellationTokenSource(Wait);
            for (var i = 0; i < count; i++) await Lookups.Reader.ReadAsync(cts.Token);
        }
    }

    private static Cluster DnsCluster(Cluster.Types.DiscoveryType type, params string[] hosts)
    {
        var locality = new LocalityLbEndpoints();
        foreach (var host in hosts)
            locality.LbEndpoints.Add(new LbEndpoint { Endpoint = new Endpoint { Address = new() { SocketAddress = new() { Address = host, PortValue = 8080 } } } });
        return new Cluster
        {
            Name = "api", Type = type, DnsRefreshRate = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(20)),
            LoadAssignment = new ClusterLoadAssignment { ClusterName = "api", Endpoints = { locality } },
        };
    }

    private static string[] Addresses(ClusterLoadAssignment a) =>
        a.Endpoints.SelectMany(e => e.LbEndpoints).Select(e => $"{e.Endpoint.Address.SocketAddress.Address}:{e.Endpoint.Address.SocketAddress.PortValue}").ToArray();

    private static (DnsClusterResolver Resolver, Channel<ClusterLoadAssignment> Published) Start(FakeDns dns, Cluster cluster)
    {
        var published = Channel.CreateUnbounded<ClusterLoadAssignment>();
        var resolver = new DnsClusterResolver(dns.LookupAsync, a => published.Writer.WriteAsync(a).AsTask(), NullLogger.Instance);
        resolver.Track([cluster]);
        return (resolver, published);
    }

    private static async Task<ClusterLoadAssignment> NextAsync(Channel<ClusterLoadAssignment> published)
    {
        using var cts = new CancellationTokenSource(Wait);
        return await published.Reader.ReadAsync(cts.Token);
    }

    [Fact]
    public async Task Strict_dns_publishes_every_address_of_every_name_and_again_only_when_the_answer_changes()
    {
        var dns = new FakeDns();
        dns.Answers["api"] = ["10.0.0.2", "10.0.0.1"];
        dns.Answers["api-b"] = ["10.0.0.9"];
        var (resolver, published) = Start(dns, DnsCluster(Cluster.Types.DiscoveryType.StrictDns, "api", "api-b"));
        await using var _ = resolver;

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.9:8080"], Addresses(await NextAsync(published)));

        dns.Answers["api"] = ["10.0.0.1", "10.0.0.2"];
        await dns.LookupsAsync(6);
        Assert.False(published.Reader.TryRead(out var _), "the same answer in another order is no change");

        dns.Answers["api"] = ["10.0.0.3"];
        Assert.Equal(["10.0.0.3:8080", "10.0.0.9:8080"], Addresses(await NextAsync(published)));
    }

    [Fact]
    public async Task A_name_that_stops_resolving_keeps_its_last_addresses_and_one_that_never_did_has_none()
    {
        var dns = new FakeDns();
        dns.Answers["api"] = ["10.0.0.1"];
        var (resolver, published) = Start(dns, DnsCluster(Cluster.Types.DiscoveryType.StrictDns, "api", "missing"));
        await using var _ = resolver;

        Assert.Equal(["10.0.0.1:8080"], Addresses(await NextAsync(published)));

        dns.Answers.TryRemove("api", out var _);
        await dns.LookupsAsync(6);
        Assert.False(published.Reader.TryRead(out var _));

        dns.Answers["missing"] = ["10.0.0.7"];
        Assert.Equal(["10.0.0.1:8080", "10.0.0.7:8080"], Addresses(await NextAsync(published)));
    }

    [Fact]
    public async Task Logical_dns_uses_the_first_address_of_its_name()
    {
        var dns = new FakeDns();
        dns.Answers["api"] = ["10.0.0.5", "10.0.0.1"];
        var (resolver, published) = Start(dns, DnsCluster(Cluster.Types.DiscoveryType.LogicalDns, "api"));
        await using var _ = resolver;

        Assert.Equal(["10.0.0.5:8080"], Addresses(await NextAsync(published)));
    }

    [Theory]
    [InlineData(Cluster.Types.DnsLookupFamily.Auto, new[] { "[::1]:8080" })]
    [InlineData(Cluster.Types.DnsLookupFamily.V4Only, new[] { "127.0.0.1:8080" })]
    [InlineData(Cluster.Types.DnsLookupFamily.V4Preferred, new[] { "127.0.0.1:8080" })]
    [InlineData(Cluster.Types.DnsLookupFamily.All, new[] { "[::1]:8080", "127.0.0.1:8080" })]
    public void The_lookup_family_picks_addresses_as_envoy_does(Cluster.Types.DnsLookupFamily family, string[] expected)
    {
        var cluster = DnsCluster(Cluster.Types.DiscoveryType.StrictDns, "localhost");
        cluster.DnsLookupFamily = family;

        var assignment = DnsEndpoints.Assignment(cluster, new Dictionary<string, IPAddress[]> { ["localhost"] = [IPAddress.Loopback, IPAddress.IPv6Loopback] });

        Assert.Equal(expected, assignment.Endpoints.SelectMany(e => e.LbEndpoints)
            .Select(e => new IPEndPoint(IPAddress.Parse(e.Endpoint.Address.SocketAddress.Address), 8080).ToString()));
    }

    [Fact]
    public async Task The_system_resolver_finds_localhost_on_loopback()
    {
        var published = Channel.CreateUnbounded<ClusterLoadAssignment>();
        var cluster = DnsCluster(Cluster.Types.DiscoveryType.StrictDns, "localhost");
        cluster.DnsLookupFamily = Cluster.Types.DnsLookupFamily.All;
        await using var resolver = new DnsClusterResolver(DnsClusterResolver.System, a => published.Writer.WriteAsync(a).AsTask(), NullLogger.Instance);
        resolver.Track([cluster]);

        var addresses = (await NextAsync(published)).Endpoints.SelectMany(e => e.LbEndpoints).Select(e => IPAddress.Parse(e.Endpoint.Address.SocketAddress.Address)).ToArray();

        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a)));
    }
}
