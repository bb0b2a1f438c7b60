using System.Net;
using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Trellis.Proxy.Configuration;
using SourceType = Envoy.Config.Listener.V3.FilterChainMatch.Types.ConnectionSourceType;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>Validates a filter_chain_match as Envoy does (port ranges, CIDR ranges, no partial wildcards in server names).</summary>
internal static class FilterChainMatchCompiler
{
    public static FilterChainMatchModel Compile(string where, FilterChainMatch? match)
    {
        if (match is null) return FilterChainMatchModel.Any;
        int? destinationPort = match.DestinationPort is { } port ? Port(where, "destination_port", port) : null;
        if (!Enum.IsDefined(match.SourceType)) throw new ConfigException($"{where}: source_type {(int)match.SourceType} is not a ConnectionSourceType");
        return new FilterChainMatchModel(
            destinationPort,
            Ranges(where, "prefix_ranges", match.PrefixRanges),
            ServerNames(where, match.ServerNames),
            match.TransportProtocol.Length == 0 ? null : match.TransportProtocol,
            match.ApplicationProtocols.ToArray(),
            Ranges(where, "direct_source_prefix_ranges", match.DirectSourcePrefixRanges),
            match.SourceType,
            Ranges(where, "source_prefix_ranges", match.SourcePrefixRanges),
            match.SourcePorts.Select(p => Port(where, "source_ports", p)).ToArray());
    }

    private static int Port(string where, string field, uint port) =>
        port is >= 1 and <= 65535 ? (int)port : throw new ConfigException($"{where}: {field} {port} is out of range (1-65535)");

    private static string[] ServerNames(string where, IEnumerable<string> names)
    {
        var result = names.ToArray();
        foreach (var name in result)
        {
            if (name.Length == 0) throw new ConfigException($"{where}: server_names has an empty name");
            // Envoy takes "*." followed by a domain as a wildcard, and refuses any other use of '*'.
            if (name.Contains('*') && !(name.StartsWith("*.", StringComparison.Ordinal) && name.IndexOf('*', 1) < 0))
                throw new ConfigException($"{where}: partial wildcards are not supported in \"server_names\" (\"{name}\")");
        }
        return result;
    }

    private static IPNetwork[] Ranges(string where, string field, IEnumerable<CidrRange> ranges) =>
        ranges.Select(r => Range(where, field, r)).ToArray();

    /// <summary>As Envoy's CidrRange: prefix_len defaults to 0, and bits beyond it are ignored.</summary>
    internal static IPNetwork Range(string where, string field, CidrRange range)
    {
        if (!IPAddress.TryParse(range.AddressPrefix, out var address))
            throw new ConfigException($"{where}: {field} address_prefix \"{range.AddressPrefix}\" is not an IP address");
        var bytes = address.GetAddressBytes();
        var length = range.PrefixLen ?? 0;
        if (length > bytes.Length * 8)
            throw new ConfigException($"{where}: {field} {range.AddressPrefix}/{length}: prefix_len is longer than the address");
        for (var bit = (int)length; bit < bytes.Length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPNetwork(new IPAddress(bytes), (int)length);
    }
}
