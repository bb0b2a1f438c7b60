using Envoy.Config.Accesslog.V3;
using Envoy.Config.Core.V3;
using Envoy.Extensions.AccessLoggers.File.V3;
using Envoy.Extensions.AccessLoggers.Stream.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Semantics;

namespace Trellis.ControlPlane.Translation.AccessLogs;

/// <summary>MeshConfig's <c>accessLogFile</c>, <c>accessLogEncoding</c> and <c>accessLogFormat</c> as the access log of
/// every HTTP connection manager, as istiod writes it: Istio's default text or JSON format unless a format is given;
/// /dev/stdout and /dev/stderr become Envoy's stream loggers (the proxy's own output, which `trellis logs POD -c
/// istio-proxy` shows), any other path a file logger.</summary>
internal static class MeshAccessLogs
{
    /// <summary>Istio's default text format (EnvoyTextLogFormat).</summary>
    public const string IstioTextFormat =
        "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% " +
        "%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% \"%UPSTREAM_TRANSPORT_FAILURE_REASON%\" %BYTES_RECEIVED% %BYTES_SENT% " +
        "%DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" " +
        "\"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% " +
        "%DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n";

    /// <summary>Istio's default JSON fields (EnvoyJSONLogFormatIstio).</summary>
    private static readonly IReadOnlyList<(string Key, string Operators)> IstioJsonFields =
    [
        ("authority", "%REQ(:AUTHORITY)%"), ("bytes_received", "%BYTES_RECEIVED%"), ("bytes_sent", "%BYTES_SENT%"),
        ("connection_termination_details", "%CONNECTION_TERMINATION_DETAILS%"), ("downstream_local_address", "%DOWNSTREAM_LOCAL_ADDRESS%"),
        ("downstream_remote_address", "%DOWNSTREAM_REMOTE_ADDRESS%"), ("duration", "%DURATION%"), ("method", "%REQ(:METHOD)%"),
        ("path", "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"), ("protocol", "%PROTOCOL%"), ("request_id", "%REQ(X-REQUEST-ID)%"),
        ("requested_server_name", "%REQUESTED_SERVER_NAME%"), ("response_code", "%RESPONSE_CODE%"),
        ("response_code_details", "%RESPONSE_CODE_DETAILS%"), ("response_flags", "%RESPONSE_FLAGS%"), ("route_name", "%ROUTE_NAME%"),
        ("start_time", "%START_TIME%"), ("upstream_cluster", "%UPSTREAM_CLUSTER_RAW%"), ("upstream_host", "%UPSTREAM_HOST%"),
        ("upstream_local_address", "%UPSTREAM_LOCAL_ADDRESS%"), ("upstream_service_time", "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%"),
        ("upstream_transport_failure_reason", "%UPSTREAM_TRANSPORT_FAILURE_REASON%"), ("user_agent", "%REQ(USER-AGENT)%"),
        ("x_forwarded_for", "%REQ(X-FORWARDED-FOR)%"),
    ];

    /// <summary>The access logs every HCM of the mesh gets; none when the mesh config names no file.</summary>
    public static IReadOnlyList<AccessLog> For(MeshSettings settings)
    {
        if (string.IsNullOrEmpty(settings.AccessLogFile)) return [];
        var format = Format(settings);
        return
        [
            settings.AccessLogFile switch
            {
                "/dev/stdout" => new AccessLog { Name = "envoy.access_loggers.stdout", TypedConfig = Any.Pack(new StdoutAccessLog { LogFormat = format }) },
                "/dev/stderr" => new AccessLog { Name = "envoy.access_loggers.stderr", TypedConfig = Any.Pack(new StderrAccessLog { LogFormat = format }) },
                var path => new AccessLog { Name = "envoy.access_loggers.file", TypedConfig = Any.Pack(new FileAccessLog { Path = path, LogFormat = format }) },
            },
        ];
    }

    private static SubstitutionFormatString Format(MeshSettings settings)
    {
        if (settings.AccessLogEncoding == "JSON")
        {
            var json = new Struct();
            // As istiod: a custom JSON format is a JSON object of field name → command operators; the validator refuses
            // anything else, so a format that is not one here is the default's place.
            foreach (var (key, op) in AccessLogJsonFormat.Fields(settings.AccessLogFormat) ?? IstioJsonFields) json.Fields[key] = Value.ForString(op);
            return new SubstitutionFormatString { JsonFormat = json };
        }
        var text = string.IsNullOrEmpty(settings.AccessLogFormat) ? IstioTextFormat
            : settings.AccessLogFormat.EndsWith('\n') ? settings.AccessLogFormat : settings.AccessLogFormat + "\n";
        return new SubstitutionFormatString { TextFormat = text };
    }
}
