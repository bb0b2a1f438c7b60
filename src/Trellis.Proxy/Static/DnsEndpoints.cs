using System.Net;
using System.Net.Sockets;
using Envoy.Config.Cluster.V3;
using SocketAddress = Envoy.Config.Core.V3.SocketAddress;
using Envoy.Config.Endpoint.V3;
using Trellis.Proxy.Configuration;
using DiscoveryType = Envoy.Config.Cluster.V3.Cluster.Types.DiscoveryType;
using DnsLookupFamily = Envoy.Config.Cluster.V3.Cluster.Types.DnsLookupFamily;

namespace Trellis.Proxy.Static;

/// <summary>Envoy's STRICT_DNS and LOGICAL_DNS semantics: which names a cluster resolves, and the endpoints its
/// answers become (STRICT_DNS: every address of every name; LOGICAL_DNS: the first address of its one name).</summary>
internal static class DnsEndpoints
{
    public static bool IsDns(Cluster c) => c.Type is DiscoveryType.StrictDns or DiscoveryType.LogicalDns;

    /// <summary>Refuses a STATIC cluster whose endpoints are not IP addresses and a DNS cluster Envoy would refuse.</summary>
    public static void Check(Cluster c, string where)
    {
        if (c.Type == DiscoveryType.Static)
        {
            foreach (var address in SocketAddresses(c))
                if (!IPAddress.TryParse(address.Address, out _))
                    throw new BootstrapException($"{where}: a STATIC cluster's endpoint address must be an IP address, not \"{address.Address}\" (use STRICT_DNS or LOGICAL_DNS for names)");
            return;
        }
        if (!IsDns(c)) return;
        var count = 0;
        foreach (var locality in c.LoadAssignment?.Endpoints ?? [])
        {
            foreach (var lb in locality.LbEndpoints)
            {
                count++;
                if (lb.Endpoint?.Address?.SocketAddress is not { Address.Length: > 0 } sa || sa.PortSpecifierCase != SocketAddress.PortSpecifierOneofCase.PortValue)
                    throw new BootstrapException($"{where}.load_assignment: every endpoint of a {ProtoEnumName.Of(c.Type)} cluster needs a socket_address with an address and a port_value");
            }
        }
        if (count == 0) throw new BootstrapException($"{where}.load_assignment: a {ProtoEnumName.Of(c.Type)} cluster needs at least one endpoint to resolve");
        if (c.Type == DiscoveryType.LogicalDns && count != 1)
            throw new BootstrapException($"{where}.load_assignment: a LOGICAL_DNS cluster takes exactly one endpoint, not {count}");
        if (c.DnsRefreshRate is { } rate && (rate.Seconds < 0 || rate.ToTimeSpan() < TimeSpan.FromMilliseconds(1)))
            throw new BootstrapException($"{where}.dns_refresh_rate: must be at least 1ms");
    }

    /// <summary>The names to resolve, once each.</summary>
    public static IReadOnlyList<string> Hosts(Cluster c) =>
        SocketAddresses(c).Select(a => a.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>Envoy's default dns_refresh_rate is 5 s.</summary>
    public static TimeSpan RefreshRate(Cluster c) =>
        c.DnsRefreshRate is { } rate ? DurationField.PositiveOr(rate, TimeSpan.FromSeconds(5), $"cluster \"{c.Name}\"", "dns_refresh_rate") : TimeSpan.FromSeconds(5);

    /// <summary>The cluster's assignment with each named endpoint replaced by the addresses its name resolved to, in
    /// the family the cluster asks for; localities, weights and metadata stay as written.</summary>
    public static ClusterLoadAssignment Assignment(Cluster c, IReadOnlyDictionary<string, IPAddress[]> answers)
    {
        var result = new ClusterLoadAssignment { ClusterName = c.Name };
        foreach (var locality in c.LoadAssignment.Endpoints)
        {
            var resolved = locality.Clone();
            resolved.LbEndpoints.Clear();
            foreach (var lb in locality.LbEndpoints)
            {
                var address = lb.Endpoint.Address.SocketAddress;
                var found = Family(answers.GetValueOrDefault(address.Address) ?? [], c.DnsLookupFamily);
                if (c.Type == DiscoveryType.LogicalDns) found = found.Take(1).ToArray();
                foreach (var ip in found)
                {
                    var copy = lb.Clone();
                    copy.Endpoint.Address.SocketAddress.Address = ip.ToString();
                    resolved.LbEndpoints.Add(copy);
                }
            }
            result.Endpoints.Add(resolved);
        }
        return result;
    }

    private static IPAddress[] Family(IPAddress[] all, DnsLookupFamily family)
    {
        var v4 = all.Where(a => a.AddressFamily == AddressFamily.InterNetwork).ToArray();
        var v6 = all.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6).ToArray();
        return family switch
        {
            DnsLookupFamily.V4Only => v4,
            DnsLookupFamily.V6Only => v6,
            DnsLookupFamily.V4Preferred => v4.Length > 0 ? v4 : v6,
            DnsLookupFamily.All => [.. v6, .. v4],
            // AUTO: IPv6 when the name has it, else IPv4 (Envoy's documented default).
            _ => v6.Length > 0 ? v6 : v4,
        };
    }

    private static IEnumerable<SocketAddress> SocketAddresses(Cluster c) =>
        (c.LoadAssignment?.Endpoints ?? []).SelectMany(l => l.LbEndpoints)
            .Select(lb => lb.Endpoint?.Address?.SocketAddress).OfType<SocketAddress>();
}
