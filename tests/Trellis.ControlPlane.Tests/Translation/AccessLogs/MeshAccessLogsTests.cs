using Envoy.Config.Listener.V3;
using Envoy.Extensions.AccessLoggers.File.V3;
using Envoy.Extensions.AccessLoggers.Stream.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Translation;
using Trellis.ControlPlane.Translation.AccessLogs;

namespace Trellis.ControlPlane.Tests.Translation.AccessLogs;

/// <summary>MeshConfig accessLogFile / accessLogEncoding / accessLogFormat become every HCM's access log, as istiod writes them.</summary>
public sealed class MeshAccessLogsTests
{
    private static IEnumerable<HttpConnectionManager> Hcms(params string[] yaml)
    {
        var mesh = MeshFixture.Bookinfo(yaml);
        var sidecar = ProxyConfigBuilder.Build(mesh, MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1"));
        var gateway = ProxyConfigBuilder.Build(mesh, MeshFixture.IngressGateway());
        return sidecar.Listeners.Concat(gateway.Listeners).Cast<Listener>()
            .SelectMany(l => l.FilterChains).SelectMany(c => c.Filters)
            .Where(f => f.Name == ListenerTranslator.HcmFilterName).Select(f => f.TypedConfig.Unpack<HttpConnectionManager>());
    }

    [Fact]
    public void Without_an_access_log_file_no_hcm_logs()
    {
        Assert.All(Hcms(), hcm => Assert.Empty(hcm.AccessLog));
    }

    [Fact]
    public void Dev_stdout_is_the_stdout_logger_in_istios_default_text_format_on_every_hcm()
    {
        var hcms = Hcms(MeshFixture.MeshConfig("accessLogFile: /dev/stdout")).ToList();

        Assert.True(hcms.Count >= 4, "outbound, outbound tunnel, inbound and gateway HCMs");
        Assert.All(hcms, hcm =>
        {
            var log = Assert.Single(hcm.AccessLog);
            Assert.Equal("envoy.access_loggers.stdout", log.Name);
            Assert.Equal(MeshAccessLogs.IstioTextFormat, log.TypedConfig.Unpack<StdoutAccessLog>().LogFormat.TextFormat);
        });
    }

    [Fact]
    public void Json_encoding_uses_istios_fields_or_the_given_object_and_a_path_is_a_file()
    {
        var standard = Hcms(MeshFixture.MeshConfig("accessLogFile: /var/log/proxy.log\naccessLogEncoding: JSON")).First().AccessLog.Single();
        var custom = Hcms(MeshFixture.MeshConfig("accessLogFile: /dev/stdout\naccessLogEncoding: JSON\naccessLogFormat: '{\"code\": \"%RESPONSE_CODE%\"}'"))
            .First().AccessLog.Single();

        var file = standard.TypedConfig.Unpack<FileAccessLog>();
        Assert.Equal(("envoy.access_loggers.file", "/var/log/proxy.log"), (standard.Name, file.Path));
        Assert.Equal("%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%", file.LogFormat.JsonFormat.Fields["path"].StringValue);
        Assert.Equal(["code"], custom.TypedConfig.Unpack<StdoutAccessLog>().LogFormat.JsonFormat.Fields.Keys);
    }

    [Fact]
    public void A_custom_text_format_ends_with_a_newline()
    {
        var log = Hcms(MeshFixture.MeshConfig("accessLogFile: /dev/stdout\naccessLogFormat: '%RESPONSE_CODE% %REQ(:PATH)%'")).First().AccessLog.Single();

        Assert.Equal("%RESPONSE_CODE% %REQ(:PATH)%\n", log.TypedConfig.Unpack<StdoutAccessLog>().LogFormat.TextFormat);
    }

    /// <summary>The seed's mesh-wide Telemetry, access logging part.</summary>
    private const string MeshWideTelemetry = """
        apiVersion: telemetry.istio.io/v1alpha1
        kind: Telemetry
        metadata: {name: mesh-observability, namespace: istio-system}
        spec:
          accessLogging:
          - providers:
            - name: envoy
        """;

    private static (IReadOnlyList<Envoy.Config.Accesslog.V3.AccessLog> Client, IReadOnlyList<Envoy.Config.Accesslog.V3.AccessLog> Server) Logs(
        string app, params string[] yaml)
    {
        var logs = TelemetryAccessLogs.For(MeshFixture.Bookinfo(yaml), MeshFixture.Sidecar($"{app}-v1-abc", app, "v1"));
        return (logs.Client, logs.Server);
    }

    /// <summary>Istio's example: log only failed requests, as Envoy's CEL extension filter on the logger.</summary>
    [Fact]
    public void A_filter_expression_becomes_envoys_cel_filter_on_that_rules_loggers()
    {
        var (client, _) = Logs("reviews", """
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: failures, namespace: istio-system}
            spec:
              accessLogging:
              - providers: [{name: envoy}]
                filter: {expression: "response.code >= 400"}
            """);

        var filter = Assert.Single(client).Filter.ExtensionFilter;
        Assert.Equal("envoy.access_loggers.extension_filters.cel", filter.Name);
        Assert.Equal("response.code >= 400", filter.TypedConfig.Unpack<Envoy.Extensions.AccessLoggers.Filters.Cel.V3.ExpressionFilter>().Expression);
    }

    [Fact]
    public void A_mesh_wide_telemetry_sends_both_sides_to_the_built_in_envoy_provider()
    {
        var (client, server) = Logs("reviews", MeshWideTelemetry);

        Assert.Equal("envoy.access_loggers.stdout", Assert.Single(client).Name);
        Assert.Equal(MeshAccessLogs.IstioTextFormat, Assert.Single(server).TypedConfig.Unpack<StdoutAccessLog>().LogFormat.TextFormat);
    }

    [Fact]
    public void A_workload_telemetry_overrides_the_mesh_and_can_disable_logging_or_keep_one_side()
    {
        const string quietReviews = """
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: quiet, namespace: bookinfo}
            spec:
              selector: {matchLabels: {app: reviews}}
              accessLogging:
              - providers: [{name: envoy}]
                disabled: true
            """;
        const string serverOnlyRatings = """
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: server-only, namespace: bookinfo}
            spec:
              selector: {matchLabels: {app: ratings}}
              accessLogging:
              - match: {mode: SERVER}
                providers: [{name: envoy}]
            """;

        var reviews = Logs("reviews", MeshWideTelemetry, quietReviews, serverOnlyRatings);
        var ratings = Logs("ratings", MeshWideTelemetry, quietReviews, serverOnlyRatings);
        var details = Logs("details", MeshWideTelemetry, quietReviews, serverOnlyRatings);

        Assert.Equal((0, 0), (reviews.Client.Count, reviews.Server.Count));
        Assert.Equal((0, 1), (ratings.Client.Count, ratings.Server.Count));
        Assert.Equal((1, 1), (details.Client.Count, details.Server.Count));
    }

    [Fact]
    public void A_file_provider_logs_to_its_path_with_its_labels_as_json()
    {
        const string meshConfig = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: istio, namespace: istio-system}
            data:
              mesh: |
                extensionProviders:
                - name: json-file
                  envoyFileAccessLog:
                    path: /tmp/trellis-access.log
                    logFormat:
                      labels:
                        code: "%RESPONSE_CODE%"
                defaultProviders:
                  accessLogging: [json-file]
            """;
        const string useDefault = """
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: default-providers, namespace: bookinfo}
            spec:
              accessLogging:
              - {}
            """;

        var log = Assert.Single(Logs("reviews", meshConfig, useDefault).Server).TypedConfig.Unpack<FileAccessLog>();

        Assert.Equal("/tmp/trellis-access.log", log.Path);
        Assert.Equal("%RESPONSE_CODE%", log.LogFormat.JsonFormat.Fields["code"].StringValue);
    }
}
