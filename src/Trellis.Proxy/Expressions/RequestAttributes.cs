using System.Globalization;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Completion;

namespace Trellis.Proxy.Expressions;

/// <summary>Envoy's attributes of a finished request, as the CEL evaluator reads them: maps named request, response,
/// connection, source, destination and upstream, with integers as CEL's int (long) and durations as durations. Header
/// maps (lower-case names) are built only for expressions that read headers.</summary>
internal static class RequestAttributes
{
    public static Dictionary<string, object?> Of(in CompletionRecord record, bool withHeaders)
    {
        var path = record.Path + record.Query;
        var request = new Dictionary<string, object?>(16, StringComparer.Ordinal)
        {
            ["path"] = path,
            ["url_path"] = record.Path,
            ["host"] = record.Authority,
            ["scheme"] = record.Scheme,
            ["method"] = record.Method,
            ["protocol"] = record.Protocol,
            ["query"] = record.Query is { Length: > 1 } q ? q[1..] : "",
            ["id"] = record.RequestId ?? "",
            ["useragent"] = record.UserAgent ?? "",
            ["time"] = new DateTimeOffset(record.StartTime, TimeSpan.Zero),
            ["duration"] = record.Duration,
            ["size"] = record.BytesReceived ?? 0L,
            ["total_size"] = record.BytesReceived ?? 0L,
        };
        var response = new Dictionary<string, object?>(8, StringComparer.Ordinal)
        {
            ["code"] = (long)record.ResponseCode,
            ["code_details"] = record.LocalReason ?? (record.ResponseCode > 0 ? "via_upstream" : ""),
            ["grpc_status"] = long.TryParse(record.GrpcStatus, NumberStyles.None, CultureInfo.InvariantCulture, out var grpc) ? grpc : 0L,
            ["size"] = record.BytesSent ?? 0L,
            ["total_size"] = record.BytesSent ?? 0L,
        };
        if (withHeaders)
        {
            request["headers"] = Headers(record.RequestHeaders);
            response["headers"] = Headers(record.ResponseHeaders);
        }
        return new Dictionary<string, object?>(6, StringComparer.Ordinal)
        {
            ["request"] = request,
            ["response"] = response,
            ["connection"] = new Dictionary<string, object?>(4, StringComparer.Ordinal)
            {
                ["mtls"] = record.DownstreamMutualTls,
                ["requested_server_name"] = record.RequestedServerName ?? "",
                ["uri_san_peer_certificate"] = record.DownstreamPeerUriSan ?? "",
                ["termination_details"] = record.LocalReason ?? "",
            },
            ["source"] = Address(record.DownstreamRemoteAddress?.ToString(), record.DownstreamRemotePort),
            ["destination"] = Address(record.DownstreamLocalAddress?.ToString(), record.DownstreamLocalPort),
            ["upstream"] = new Dictionary<string, object?>(3, StringComparer.Ordinal)
            {
                ["address"] = record.UpstreamHost?.Authority ?? "",
                ["port"] = (long)(record.UpstreamHost?.Port ?? 0),
                ["transport_failure_reason"] = record.UpstreamTransportFailureReason ?? "",
            },
        };
    }

    private static Dictionary<string, object?> Address(string? address, int port) => new(2, StringComparer.Ordinal)
    {
        ["address"] = address ?? "",
        ["port"] = (long)port,
    };

    private static Dictionary<string, object?> Headers(IHeaderDictionary? headers)
    {
        var map = new Dictionary<string, object?>(headers?.Count ?? 0, StringComparer.Ordinal);
        if (headers is null) return map;
        foreach (var (name, values) in headers) map[name.ToLowerInvariant()] = values.ToString();
        return map;
    }
}
