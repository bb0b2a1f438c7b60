using System.Net;

namespace Trellis.Proxy.Authorization;

/// <summary>Which address of the connection or request a CIDR rule looks at.</summary>
internal enum AddressKind { Destination, DirectRemote, Remote }

/// <summary>destination_ip, source_ip, direct_remote_ip, remote_ip: the address lies in the range (same family only).</summary>
internal sealed class CidrRule(AddressKind kind, IPNetwork range) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input)
    {
        var address = kind switch
        {
            AddressKind.Destination => input.DestinationAddress,
            AddressKind.DirectRemote => input.DirectRemote,
            _ => input.Remote,
        };
        return address is not null && address.AddressFamily == range.BaseAddress.AddressFamily && range.Contains(address);
    }

    public override bool NeedsRemoteIp => kind == AddressKind.Remote;
}

/// <summary>destination_port, and destination_port_range (start inclusive, end exclusive, as Envoy's Int32Range).</summary>
internal sealed class PortRule(int start, int end) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input) => input.DestinationPort >= start && input.DestinationPort < end;
}
