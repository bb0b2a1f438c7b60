using System.Globalization;
using System.Net;
using System.Text;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>The command operators without an argument that read one field of the record.</summary>
internal sealed class FieldOperator(FieldOperator.Field which) : CommandOperator
{
    internal enum Field
    {
        Protocol,
        ResponseCode,
        ResponseFlags,
        ResponseCodeDetails,
        BytesReceived,
        BytesSent,
        Duration,
        RequestDuration,
        ResponseDuration,
        UpstreamHost,
        UpstreamCluster,
        UpstreamLocalAddress,
        UpstreamTransportFailureReason,
        DownstreamRemoteAddress,
        DownstreamRemoteAddressWithoutPort,
        DownstreamLocalAddress,
        DownstreamLocalAddressWithoutPort,
        RouteName,
        RequestedServerName,
        DownstreamPeerUriSan,
        UpstreamPeerUriSan,
        ConnectionTerminationDetails,
    }

    /// <summary>The operators by their Envoy names.</summary>
    public static readonly IReadOnlyDictionary<string, Field> ByName = new Dictionary<string, Field>(StringComparer.Ordinal)
    {
        ["PROTOCOL"] = Field.Protocol,
        ["RESPONSE_CODE"] = Field.ResponseCode,
        ["RESPONSE_FLAGS"] = Field.ResponseFlags,
        ["RESPONSE_CODE_DETAILS"] = Field.ResponseCodeDetails,
        ["BYTES_RECEIVED"] = Field.BytesReceived,
        ["BYTES_SENT"] = Field.BytesSent,
        ["DURATION"] = Field.Duration,
        ["REQUEST_DURATION"] = Field.RequestDuration,
        ["RESPONSE_DURATION"] = Field.ResponseDuration,
        ["UPSTREAM_HOST"] = Field.UpstreamHost,
        ["UPSTREAM_CLUSTER"] = Field.UpstreamCluster,
        // Envoy's UPSTREAM_CLUSTER prints alt_stat_name when a cluster has one; the mesh's clusters set it to their name.
        ["UPSTREAM_CLUSTER_RAW"] = Field.UpstreamCluster,
        ["UPSTREAM_LOCAL_ADDRESS"] = Field.UpstreamLocalAddress,
        ["UPSTREAM_TRANSPORT_FAILURE_REASON"] = Field.UpstreamTransportFailureReason,
        ["DOWNSTREAM_REMOTE_ADDRESS"] = Field.DownstreamRemoteAddress,
        ["DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT"] = Field.DownstreamRemoteAddressWithoutPort,
        ["DOWNSTREAM_LOCAL_ADDRESS"] = Field.DownstreamLocalAddress,
        ["DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT"] = Field.DownstreamLocalAddressWithoutPort,
        ["ROUTE_NAME"] = Field.RouteName,
        ["REQUESTED_SERVER_NAME"] = Field.RequestedServerName,
        ["DOWNSTREAM_PEER_URI_SAN"] = Field.DownstreamPeerUriSan,
        ["UPSTREAM_PEER_URI_SAN"] = Field.UpstreamPeerUriSan,
        ["CONNECTION_TERMINATION_DETAILS"] = Field.ConnectionTerminationDetails,
    };

    public override bool IsNumber => which is Field.ResponseCode or Field.BytesReceived or Field.BytesSent
        or Field.Duration or Field.RequestDuration or Field.ResponseDuration;

    protected override bool TryAppendValue(StringBuilder output, in CompletionRecord record)
    {
        switch (which)
        {
            case Field.Protocol:
                return Append(output, record.Kind == CompletionKind.Request ? record.Protocol : null);
            case Field.ResponseCode:
                output.Append(record.ResponseCode);
                return true;
            case Field.ResponseFlags:
                output.Append(record.ResponseFlags);
                return true;
            case Field.ResponseCodeDetails:
                return AppendDetails(output, record);
            case Field.BytesReceived:
                return Append(output, record.BytesReceived);
            case Field.BytesSent:
                return Append(output, record.BytesSent);
            case Field.Duration:
                return Append(output, record.Duration);
            case Field.RequestDuration:
                return Append(output, record.RequestDuration);
            case Field.ResponseDuration:
                return Append(output, record.ResponseDuration);
            case Field.UpstreamHost:
                return Append(output, record.UpstreamHost?.Authority);
            case Field.UpstreamCluster:
                return Append(output, record.Cluster?.Model.Name);
            case Field.UpstreamLocalAddress:
                return Append(output, record.UpstreamLocalAddress?.ToString());
            case Field.UpstreamTransportFailureReason:
                return Append(output, record.UpstreamTransportFailureReason);
            case Field.DownstreamRemoteAddress:
                return AppendAddress(output, record.DownstreamRemoteAddress, record.DownstreamRemotePort);
            case Field.DownstreamRemoteAddressWithoutPort:
                return AppendAddress(output, record.DownstreamRemoteAddress, null);
            case Field.DownstreamLocalAddress:
                return AppendAddress(output, record.DownstreamLocalAddress, record.DownstreamLocalPort);
            case Field.DownstreamLocalAddressWithoutPort:
                return AppendAddress(output, record.DownstreamLocalAddress, null);
            case Field.RouteName:
                return Append(output, record.Route?.Name);
            case Field.RequestedServerName:
                return Append(output, record.RequestedServerName);
            case Field.DownstreamPeerUriSan:
                return Append(output, record.DownstreamPeerUriSan);
            case Field.UpstreamPeerUriSan:
                return Append(output, record.UpstreamPeerUriSan);
            case Field.ConnectionTerminationDetails:
                // Envoy fills it only when a network filter closes the connection with a reason; requests never have one.
                return false;
            default:
                return false;
        }
    }

    private static bool Append(StringBuilder output, string? value)
    {
        if (string.IsNullOrEmpty(value)) return false;
        output.Append(value);
        return true;
    }

    private static bool Append(StringBuilder output, long? value)
    {
        if (value is not { } v) return false;
        output.Append(v);
        return true;
    }

    /// <summary>Durations in whole milliseconds, as Envoy prints them.</summary>
    private static bool Append(StringBuilder output, TimeSpan? value)
    {
        if (value is not { } v) return false;
        output.Append((long)v.TotalMilliseconds);
        return true;
    }

    /// <summary>Envoy's details are one token: "via_upstream" for an upstream's answer, else why the proxy answered
    /// (with whitespace made underscores, as Envoy requires of details).</summary>
    private static bool AppendDetails(StringBuilder output, in CompletionRecord record)
    {
        if (record.LocalReason is { } reason)
        {
            foreach (var c in reason) output.Append(char.IsWhiteSpace(c) ? '_' : c);
            return true;
        }
        if (record.ResponseFlags == ResponseFlags.DirectResponse) return Append(output, "direct_response");
        return record.ResponseDuration is not null && Append(output, "via_upstream");
    }

    /// <summary>"1.2.3.4:80" or "[::1]:80", as Envoy prints addresses.</summary>
    private static bool AppendAddress(StringBuilder output, IPAddress? address, int? port)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (v6 && port is not null) output.Append('[');
        output.Append(address.ToString());
        if (port is { } p) output.Append(v6 ? "]:" : ":").Append(p.ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
