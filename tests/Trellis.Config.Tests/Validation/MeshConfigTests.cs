using Trellis.Config.Loading;
using Trellis.Config.Model.Mesh;

namespace Trellis.Config.Tests.Validation;

/// <summary>The mesh config lives where Istio keeps it, the ConfigMap istio-system/istio, and its data.mesh is
/// checked like any other field: mistakes are named at that field of the ConfigMap.</summary>
public class MeshConfigTests
{
    private static string MeshConfigMap(string mesh, string name = "istio", string ns = "istio-system") => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
          namespace: {ns}
        data:
          mesh: |
        {string.Join("\n", mesh.Split('\n').Select(l => "    " + l))}
        """;

    [Fact]
    public void Registry_only_and_the_gateway_reasons_switch_are_read()
    {
        var resource = Load.Single(MeshConfigMap("""
            outboundTrafficPolicy:
              mode: REGISTRY_ONLY
            defaultConfig:
              proxyMetadata:
                TRELLIS_GATEWAY_REASONS: "true"
            """));

        var settings = MeshConfigReader.Settings([resource]);

        Assert.Equal(new MeshSettings("REGISTRY_ONLY", GatewayReasons: true), settings);
    }

    [Fact]
    public void The_default_exportTo_of_each_kind_is_read_and_star_when_unset()
    {
        var load = Load.Text(MeshConfigMap("defaultServiceExportTo: [\".\"]\ndefaultVirtualServiceExportTo: [\"~\"]"));
        Assert.Empty(load.Diagnostics);

        var defaults = MeshConfigReader.Settings(load.Resources).ExportToDefaults;

        Assert.Equal(["."], defaults.Service);
        Assert.Equal(["~"], defaults.VirtualService);
        Assert.Equal(["*"], defaults.DestinationRule);
        Assert.Equal(["*"], MeshConfigReader.Settings([]).ExportToDefaults.Service);
    }

    [Fact]
    public void A_default_exportTo_istio_would_misread_is_a_warning_at_its_entry()
    {
        var load = Load.Text(MeshConfigMap("defaultServiceExportTo: [\"*\", Bad_Namespace]"));

        Assert.False(load.HasErrors);
        Assert.Contains(load.Diagnostics, d => d.Severity == Severity.Warning && d.FieldPath == "data.mesh.defaultServiceExportTo[1]");
        Assert.Contains(load.Diagnostics, d => d.Severity == Severity.Warning && d.FieldPath == "data.mesh.defaultServiceExportTo"
                                               && d.Message.Contains("cannot be listed with other entries"));
    }

    [Fact]
    public void Allow_any_dynamic_dns_is_a_mesh_mode_that_lets_unknown_destinations_through()
    {
        var load = Load.Text(MeshConfigMap("outboundTrafficPolicy:\n  mode: ALLOW_ANY_DYNAMIC_DNS\n  tls: {mode: SIMPLE}"));

        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        Assert.True(MeshConfigReader.Settings(load.Resources).AllowAny);
        var note = Assert.Single(load.Diagnostics);
        Assert.Equal(DiagnosticCodes.NotYetEnforced, note.Code);
        Assert.Equal("data.mesh.outboundTrafficPolicy.tls", note.FieldPath);
    }

    [Fact]
    public void Allow_any_is_read()
    {
        var resource = Load.Single(MeshConfigMap("outboundTrafficPolicy:\n  mode: ALLOW_ANY"));

        Assert.True(MeshConfigReader.Settings([resource]).AllowAny);
    }

    [Fact]
    public void Without_a_mesh_config_outbound_traffic_is_registry_only_and_gateways_hide_reasons()
    {
        var settings = MeshConfigReader.Settings([]);

        Assert.False(settings.AllowAny);
        Assert.False(settings.GatewayReasons);
    }

    [Fact]
    public void A_mode_istio_does_not_have_is_an_error_at_data_mesh_with_a_suggestion()
    {
        var error = Load.SingleError(MeshConfigMap("outboundTrafficPolicy:\n  mode: ALLOW_ALL"));

        Assert.Equal("IST0106", error.Code);
        Assert.Equal("ConfigMap istio-system/istio", error.ObjectRef);
        Assert.Equal("data.mesh.outboundTrafficPolicy.mode", error.FieldPath);
        Assert.Contains("expected one of ALLOW_ANY, REGISTRY_ONLY", error.Message);
        Assert.Contains("did you mean \"ALLOW_ANY\"", error.Message);
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void A_json_access_log_format_must_be_an_object_of_command_operators()
    {
        var bad = Load.Text(MeshConfigMap("accessLogFile: /dev/stdout\naccessLogEncoding: JSON\naccessLogFormat: '%RESPONSE_CODE%'"));
        var good = Load.Text(MeshConfigMap("accessLogFile: /dev/stdout\naccessLogEncoding: JSON\naccessLogFormat: '{\"code\": \"%RESPONSE_CODE%\"}'"));

        var error = Assert.Single(bad.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal("data.mesh.accessLogFormat", error.FieldPath);
        Assert.Contains("JSON object", error.Message);
        Assert.DoesNotContain(good.Diagnostics, d => d.Severity == Severity.Error);
    }

    [Fact]
    public void A_misspelt_field_is_an_error_and_an_unrelated_one_is_a_warning()
    {
        var result = Load.Text(MeshConfigMap("outboundTrafficPolicyy:\n  mode: ALLOW_ANY\nconnectTimeout: 5s"));

        var error = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal("data.mesh.outboundTrafficPolicyy", error.FieldPath);
        Assert.Contains("did you mean \"outboundTrafficPolicy\"", error.Message);
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Warning);
        Assert.Equal("data.mesh.connectTimeout", warning.FieldPath);
    }

    [Fact]
    public void Malformed_mesh_yaml_is_one_error_naming_its_line()
    {
        var error = Load.SingleError(MeshConfigMap("outboundTrafficPolicy: a: b"));

        Assert.Equal("TRL0001", error.Code);
        Assert.Equal("data.mesh", error.FieldPath);
        Assert.Contains("line ", error.Message);
    }

    [Fact]
    public void The_gateway_reasons_switch_takes_only_true_or_false()
    {
        var error = Load.SingleError(MeshConfigMap("defaultConfig:\n  proxyMetadata:\n    TRELLIS_GATEWAY_REASONS: \"yes\""));

        Assert.Equal("data.mesh.defaultConfig.proxyMetadata.TRELLIS_GATEWAY_REASONS", error.FieldPath);
        Assert.Contains("expected \"true\" or \"false\"", error.Message);
    }

    [Fact]
    public void The_proxies_default_concurrency_is_read_and_a_negative_one_is_an_error_at_its_field()
    {
        var good = Load.Text(MeshConfigMap("defaultConfig:\n  concurrency: 1"));
        var bad = Load.SingleError(MeshConfigMap("defaultConfig:\n  concurrency: -2"));

        Assert.Empty(good.Diagnostics);
        Assert.Equal(1, MeshConfigReader.Settings(good.Resources).Concurrency);
        Assert.Null(MeshConfigReader.Settings([]).Concurrency);
        Assert.Equal("data.mesh.defaultConfig.concurrency", bad.FieldPath);
        Assert.Contains("0 (one thread per core) or a thread count", bad.Message);
    }

    [Fact]
    public void A_mesh_that_is_not_a_map_is_an_error()
    {
        var error = Load.SingleError(MeshConfigMap("- ALLOW_ANY"));

        Assert.Equal("data.mesh", error.FieldPath);
        Assert.Contains("must be a map of MeshConfig fields", error.Message);
    }

    [Fact]
    public void Other_config_maps_are_plain_data()
    {
        var resource = Load.Single(MeshConfigMap("outboundTrafficPolicy: [not, checked]", name: "dashboards", ns: "monitoring"));

        Assert.Equal(MeshSettings.Default, MeshConfigReader.Settings([resource]));
    }
}
