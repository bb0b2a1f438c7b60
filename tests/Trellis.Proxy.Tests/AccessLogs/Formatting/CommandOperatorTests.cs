using System.Net;
using System.Text.Json;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.AccessLogs.Formatting;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.AccessLogs.Formatting;

/// <summary>Each command operator prints what Envoy's access log prints for it, "-" for what the record lacks.</summary>
public class CommandOperatorTests
{
    private static readonly ListenerModel Outbound = TestListeners.VirtualOutbound;

    private static CompletionRecord Record(Func<CompletionRecord, CompletionRecord>? change = null)
    {
        var request = new HeaderDictionary { ["user-agent"] = "curl/8.5.0", ["x-request-id"] = "abc-123", ["x-forwarded-for"] = "10.1.1.1" };
        var response = new HeaderDictionary { ["x-envoy-upstream-service-time"] = "7", ["content-type"] = "text/plain" };
        var record = new CompletionRecord
        {
            Kind = CompletionKind.Request,
            Snapshot = ProxySnapshot.Empty,
            Listener = Outbound,
            Hcm = Outbound.OnlyChain().Hcm,
            StartTime = new DateTime(2016, 4, 15, 20, 17, 0, 310, DateTimeKind.Utc),
            StartTimestamp = 0,
            Duration = TimeSpan.FromMilliseconds(12.7),
            RequestDuration = TimeSpan.FromMilliseconds(1.2),
            ResponseDuration = TimeSpan.FromMilliseconds(9.9),
            BytesReceived = 5,
            BytesSent = 11,
            ResponseCode = 200,
            ResponseFlags = "-",
            UpstreamHost = new EndpointModel("127.0.0.1", 9080, true, 1, null),
            DownstreamRemoteAddress = IPAddress.Parse("10.0.0.1"),
            DownstreamRemotePort = 5555,
            DownstreamLocalAddress = IPAddress.Parse("::1"),
            DownstreamLocalPort = 15001,
            Protocol = "HTTP/1.1",
            Method = "GET",
            Scheme = "http",
            Authority = "reviews:9080",
            Path = "/reviews/1",
            Query = "?u=jason",
            GrpcStatus = "",
            HasDetails = true,
            RequestHeaders = request,
            ResponseHeaders = response,
            UserAgent = "curl/8.5.0",
            RequestId = "abc-123",
        };
        return change is null ? record : change(record);
    }

    private static string Format(string format, CompletionRecord? record = null, bool omitEmpty = false) =>
        Line(FormatParser.Text(format, omitEmpty, "test"), record ?? Record());

    private static string Line(AccessLogFormatter formatter, CompletionRecord record)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        formatter.Write(record, output);
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [InlineData("%START_TIME%", "2016-04-15T20:17:00.310Z")]
    [InlineData("%START_TIME(%Y/%m/%d %H:%M:%S %z)%", "2016/04/15 20:17:00 +0000")]
    [InlineData("%START_TIME(%s.%3f)%", "1460751420.310")]
    [InlineData("%START_TIME(%F %T.%f)%", "2016-04-15 20:17:00.310000000")]
    [InlineData("%REQ(:METHOD)%", "GET")]
    [InlineData("%REQ(:PATH)%", "/reviews/1?u=jason")]
    [InlineData("%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%", "/reviews/1?u=jason")]
    [InlineData("%REQ(:AUTHORITY)%", "reviews:9080")]
    [InlineData("%REQ(:SCHEME)%", "http")]
    [InlineData("%REQ(USER-AGENT)%", "curl/8.5.0")]
    [InlineData("%REQ(USER-AGENT):4%", "curl")]
    [InlineData("%REQ(X-REQUEST-ID)%", "abc-123")]
    [InlineData("%REQ(X-FORWARDED-FOR)%", "10.1.1.1")]
    [InlineData("%REQ(X-MISSING)%", "-")]
    [InlineData("%REQ(X-MISSING?USER-AGENT)%", "curl/8.5.0")]
    [InlineData("%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%", "7")]
    [InlineData("%RESP(CONTENT-TYPE)%", "text/plain")]
    [InlineData("%RESP(:STATUS)%", "200")]
    [InlineData("%PROTOCOL%", "HTTP/1.1")]
    [InlineData("%RESPONSE_CODE%", "200")]
    [InlineData("%RESPONSE_FLAGS%", "-")]
    [InlineData("%RESPONSE_CODE_DETAILS%", "via_upstream")]
    [InlineData("%BYTES_RECEIVED%", "5")]
    [InlineData("%BYTES_SENT%", "11")]
    [InlineData("%DURATION%", "12")]
    [InlineData("%REQUEST_DURATION%", "1")]
    [InlineData("%RESPONSE_DURATION%", "9")]
    [InlineData("%UPSTREAM_HOST%", "127.0.0.1:9080")]
    [InlineData("%UPSTREAM_CLUSTER%", "-")]
    [InlineData("%UPSTREAM_CLUSTER_RAW%", "-")]
    [InlineData("%CONNECTION_TERMINATION_DETAILS%", "-")]
    [InlineData("%UPSTREAM_LOCAL_ADDRESS%", "-")]
    [InlineData("%UPSTREAM_TRANSPORT_FAILURE_REASON%", "-")]
    [InlineData("%DOWNSTREAM_REMOTE_ADDRESS%", "10.0.0.1:5555")]
    [InlineData("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", "10.0.0.1")]
    [InlineData("%DOWNSTREAM_LOCAL_ADDRESS%", "[::1]:15001")]
    [InlineData("%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%", "::1")]
    [InlineData("%ROUTE_NAME%", "-")]
    [InlineData("%REQUESTED_SERVER_NAME%", "-")]
    [InlineData("%DOWNSTREAM_PEER_URI_SAN%", "-")]
    [InlineData("%UPSTREAM_PEER_URI_SAN%", "-")]
    [InlineData("100%% of %REQ(:METHOD)%s\n", "100% of GETs\n")]
    public void Each_operator_prints_what_envoy_prints(string format, string expected) => Assert.Equal(expected, Format(format));

    [Fact]
    public void A_local_reply_prints_its_reason_as_one_token_and_its_failure()
    {
        var record = Record(r => r with
        {
            ResponseCode = 503, ResponseFlags = "UF", ResponseDuration = null, LocalReason = "listener x: endpoint refused",
            UpstreamTransportFailureReason = "Connection refused",
        });

        Assert.Equal("503 UF listener_x:_endpoint_refused Connection refused -", Format("%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %UPSTREAM_TRANSPORT_FAILURE_REASON% %RESPONSE_DURATION%", record));
    }

    [Fact]
    public void Omit_empty_values_prints_nothing_for_missing_values()
    {
        Assert.Equal("[] [GET]", Format("[%REQ(X-MISSING)%] [%REQ(:METHOD)%]", omitEmpty: true));
    }

    [Fact]
    public void A_tunnel_has_no_path_or_protocol_but_its_bytes()
    {
        var record = Record(r => r with { Kind = CompletionKind.Connection, Method = "CONNECT", Path = "", Query = null, BytesReceived = 5, BytesSent = 13 });

        Assert.Equal("CONNECT - - reviews:9080 5 13", Format("%REQ(:METHOD)% %REQ(:PATH)% %PROTOCOL% %REQ(:AUTHORITY)% %BYTES_RECEIVED% %BYTES_SENT%", record));
    }

    [Fact]
    public void Envoys_default_format_prints_the_documented_line()
    {
        var line = Line(FormatParser.Text(TextFormatter.DefaultFormat, false, "test"), Record());

        Assert.Equal("[2016-04-15T20:17:00.310Z] \"GET /reviews/1?u=jason HTTP/1.1\" 200 - 5 11 12 7 \"10.1.1.1\" \"curl/8.5.0\" \"abc-123\" \"reviews:9080\" \"127.0.0.1:9080\"\n", line);
    }

    [Fact]
    public void A_json_format_keeps_types_and_prints_null_for_missing_values()
    {
        var format = Struct.Parser.ParseJson("""
            {"start": "%START_TIME%", "code": "%RESPONSE_CODE%", "bytes": "%BYTES_SENT%", "upstream": "%UPSTREAM_CLUSTER%",
             "summary": "%REQ(:METHOD)% %REQ(:PATH)% -> %UPSTREAM_CLUSTER%", "version": 2, "sampled": true,
             "request": {"agent": "%REQ(USER-AGENT):4%", "id": "%REQ(X-REQUEST-ID)%"}}
            """);
        var line = Line(FormatParser.Json(format, false, "test"), Record());

        Assert.EndsWith("}\n", line);
        Assert.DoesNotContain('\n', line.TrimEnd('\n'));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("2016-04-15T20:17:00.310Z", root.GetProperty("start").GetString());
        Assert.Equal(200, root.GetProperty("code").GetInt32());
        Assert.Equal(11, root.GetProperty("bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("upstream").ValueKind);
        Assert.Equal("GET /reviews/1?u=jason -> -", root.GetProperty("summary").GetString());
        Assert.Equal(2, root.GetProperty("version").GetInt32());
        Assert.True(root.GetProperty("sampled").GetBoolean());
        Assert.Equal("curl", root.GetProperty("request").GetProperty("agent").GetString());
        Assert.Equal("abc-123", root.GetProperty("request").GetProperty("id").GetString());
        Assert.Equal(["start", "code", "bytes", "upstream", "summary", "version", "sampled", "request"], root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void A_json_format_with_omit_empty_values_leaves_missing_keys_out()
    {
        var format = Struct.Parser.ParseJson("""{"code": "%RESPONSE_CODE%", "upstream": "%UPSTREAM_CLUSTER%"}""");

        Assert.Equal("{\"code\":200}\n", Line(FormatParser.Json(format, true, "test"), Record()));
    }

    [Theory]
    [InlineData("%NOT_AN_OPERATOR%", "command operator %NOT_AN_OPERATOR% is not supported")]
    [InlineData("%DYNAMIC_METADATA(istio)%", "command operator %DYNAMIC_METADATA% is not supported")]
    [InlineData("%START_TIME(%Q)%", "specifier %Q is not supported")]
    [InlineData("100% done", "no valid command operator at position 3")]
    [InlineData("%DURATION:5%", "%DURATION% takes no length limit")]
    [InlineData("%PROTOCOL(x)%", "%PROTOCOL% takes no argument")]
    [InlineData("%REQ()%", "%REQ(...)% needs a header name")]
    [InlineData("%REQ(A?B?C)%", "give one header, or two as X?Y")]
    public void What_the_proxy_cannot_print_is_refused_by_name(string format, string message)
    {
        var e = Assert.Throws<ConfigException>(() => FormatParser.Text(format, false, "listener \"l\": access_log[0]"));
        Assert.StartsWith("listener \"l\": access_log[0]", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_list_in_a_json_format_is_refused()
    {
        var e = Assert.Throws<ConfigException>(() => FormatParser.Json(Struct.Parser.ParseJson("""{"codes": ["%RESPONSE_CODE%"]}"""), false, "here"));
        Assert.Contains("json_format \"codes\": lists are not supported", e.Message);
    }
}
