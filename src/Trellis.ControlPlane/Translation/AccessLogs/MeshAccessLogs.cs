using Envoy.Config.Accesslog.V3;
using Envoy.Config.Core.V3;
using Envoy.Extensions.AccessLoggers.File.V3;
using Envoy.Extensions.AccessLoggers.Stream.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Semantics;
using Trellis.Xds;

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

    /// <summary>The access logs every HCM of the mesh gets when no Telemetry decides; none when the mesh config names no file.</summary>
    public static IReadOnlyList<AccessLog> For(MeshSettings settings) =>
        string.IsNullOrEmpty(settings.AccessLogFile) ? [] : [Logger(settings.AccessLogFile, Format(settings))];

    /// <summary>Istio's built-in "envoy" provider: /dev/stdout in the mesh config's format.</summary>
    public static AccessLog BuiltInEnvoy(MeshSettings settings) => Logger("/dev/stdout", Format(settings));

    /// <summary>An envoyFileAccessLog provider: its path, its text format or JSON labels, else Istio's default text.</summary>
    public static AccessLog File(EnvoyFileAccessLogProvider provider) => Logger(string.IsNullOrEmpty(provider.Path) ? "/dev/stdout" : provider.Path,
        provider.LogFormat?.Labels is { Count: > 0 } labels ? Json(labels.Select(kv => (kv.Key, kv.Value)))
        : new SubstitutionFormatString { TextFormat = WithNewline(provider.LogFormat?.Text) ?? IstioTextFormat });

    private static AccessLog Logger(string path, SubstitutionFormatString format) => path switch
    {
        "/dev/stdout" => new AccessLog { Name = "envoy.access_loggers.stdout", TypedConfig = XdsAny.Pack(new StdoutAccessLog { LogFormat = format }) },
        "/dev/stderr" => new AccessLog { Name = "envoy.access_loggers.stderr", TypedConfig = XdsAny.Pack(new StderrAccessLog { LogFormat = format }) },
        _ => new AccessLog { Name = "envoy.access_loggers.file", TypedConfig = XdsAny.Pack(new FileAccessLog { Path = path, LogFormat = format }) },
    };

    private static SubstitutionFormatString Json(IEnumerable<(string Key, string Operators)> fields)
    {
        var json = new Struct();
        foreach (var (key, op) in fields) json.Fields[key] = Value.ForString(op);
        return new SubstitutionFormatString { JsonFormat = json };
    }

    private static string? WithNewline(string? format) => string.IsNullOrEmpty(format) ? null : format.EndsWith('\n') ? format : format + "\n";

    private static SubstitutionFormatString Format(MeshSettings settings)
    {
        // As istiod: a custom JSON format is a JSON object of field name → command operators; the validator refuses
        // anything else, so a format that is not one here is the default's place.
        if (settings.AccessLogEncoding == "JSON") return Json(AccessLogJsonFormat.Fields(settings.AccessLogFormat) ?? IstioJsonFields);
        return new SubstitutionFormatString { TextFormat = WithNewline(settings.AccessLogFormat) ?? IstioTextFormat };
    }
}
