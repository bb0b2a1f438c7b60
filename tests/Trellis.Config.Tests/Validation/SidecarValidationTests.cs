namespace Trellis.Config.Tests.Validation;

/// <summary>Sidecar is validated as Istio's ValidateSidecar validates it, each finding at its field.</summary>
public class SidecarValidationTests
{
    private static string Sidecar(string spec) => $"""
        apiVersion: networking.istio.io/v1beta1
        kind: Sidecar
        metadata:
          name: default
          namespace: bookinfo
        spec:
        {spec}
        """;

    [Theory]
    [InlineData("networking.istio.io/v1")]
    [InlineData("networking.istio.io/v1beta1")]
    [InlineData("networking.istio.io/v1alpha3")]
    public void Istios_example_is_valid_and_enforced_under_every_api_version(string apiVersion)
    {
        var result = Load.Text(Sidecar("""
              workloadSelector:
                labels: {app: productpage}
              egress:
              - port: {number: 9080, protocol: HTTP, name: egresshttp}
                hosts: ["prod-us1/*"]
              - hosts: ["./*", "istio-system/*", "*/*.example.com", "~prod-us2/*", "~/bar.example.com"]
              outboundTrafficPolicy: {mode: REGISTRY_ONLY}
            """).Replace("networking.istio.io/v1beta1", apiVersion));

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity != Severity.Info);
        Assert.True(Assert.Single(result.Resources).IsEnforced);
    }

    [Fact]
    public void A_host_without_a_namespace_is_refused_with_the_form_it_needs()
    {
        var error = Load.SingleError(Sidecar("  egress:\n  - hosts: [details.bookinfo.svc.cluster.local]"));

        Assert.Equal("spec.egress[0].hosts[0]", error.FieldPath);
        Assert.Contains("namespace/dnsName", error.Message);
        Assert.Equal(8, error.Line);
    }

    [Theory]
    [InlineData("Bookinfo/*", "invalid namespace")]
    [InlineData("/details.bookinfo.svc.cluster.local", "may be empty")]
    [InlineData("./", "may be empty")]
    [InlineData("./foo.*.com", "wildcard")]
    public void A_malformed_host_is_refused(string host, string expected) =>
        Assert.Contains(expected, Load.SingleError(Sidecar($"  egress:\n  - hosts: [\"{host}\"]")).Message);

    [Fact]
    public void A_short_dns_name_is_a_warning_because_it_imports_nothing()
    {
        var warning = Assert.Single(Load.Text(Sidecar("  egress:\n  - hosts: [./details]")).Diagnostics, d => d.Severity == Severity.Warning);

        Assert.Contains("imports nothing", warning.Message);
        Assert.Contains("did you mean \"./details.bookinfo.svc.cluster.local\"", warning.Message);
    }

    [Fact]
    public void An_egress_listener_needs_hosts() =>
        Assert.Equal("spec.egress[0].hosts", Load.SingleError(Sidecar("  egress:\n  - port: {number: 80, protocol: HTTP}")).FieldPath);

    [Fact]
    public void The_catch_all_egress_listener_must_be_last_and_alone()
    {
        var notLast = Load.SingleError(Sidecar("""
              egress:
              - hosts: ["./*"]
              - port: {number: 80, protocol: HTTP}
                hosts: ["./*"]
            """));
        Assert.Equal("spec.egress[0]", notLast.FieldPath);
        Assert.Contains("must be the last", notLast.Message);

        Assert.Contains(Load.Errors(Sidecar("  egress:\n  - hosts: [\"./*\"]\n  - hosts: [\"*/*\"]")), e => e.Message.Contains("only one egress listener"));
    }

    [Fact]
    public void Egress_ports_are_unique() =>
        Assert.Contains("used by another egress listener", Load.SingleError(Sidecar("""
              egress:
              - port: {number: 80, protocol: HTTP}
                hosts: ["./*"]
              - port: {number: 80, protocol: HTTP}
                hosts: ["*/*"]
            """)).Message);

    [Fact]
    public void An_empty_sidecar_is_refused() =>
        Assert.Contains("empty configuration", Load.SingleError(Sidecar("  workloadSelector: {labels: {app: x}}")).Message);

    [Fact]
    public void A_misspelt_outbound_mode_is_refused_with_a_suggestion() =>
        Assert.Contains("did you mean \"ALLOW_ANY\"", Load.SingleError(Sidecar("  outboundTrafficPolicy: {mode: ALLOW_ANNY}")).Message);

    [Fact]
    public void An_egress_proxy_needs_allow_any()
    {
        var error = Load.SingleError(Sidecar("  outboundTrafficPolicy: {egressProxy: {host: egress.example.com, port: {number: 443}}}"));

        Assert.Equal("spec.outboundTrafficPolicy.egressProxy", error.FieldPath);
        Assert.Contains("only allowed with mode ALLOW_ANY", error.Message);
    }

    [Fact]
    public void Ingress_listeners_and_capture_settings_are_accepted_and_reported_as_not_enforced()
    {
        var result = Load.Text(Sidecar("""
              ingress:
              - port: {number: 9080, protocol: HTTP, name: http}
                defaultEndpoint: 127.0.0.1:8080
              egress:
              - captureMode: NONE
                hosts: ["./*"]
            """));

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var notEnforced = result.Diagnostics.Where(d => d.Code == DiagnosticCodes.NotYetEnforced).Select(d => d.FieldPath).ToList();
        Assert.Equal(["spec.egress[0].captureMode", "spec.ingress[0]"], notEnforced.Order());
    }

    [Fact]
    public void A_unix_domain_socket_egress_listener_takes_port_0_and_a_unix_bind()
    {
        var result = Load.Text(Sidecar("""
              egress:
              - port: {number: 0, protocol: HTTP, name: uds}
                bind: unix:///var/run/someuds.sock
                captureMode: NONE
                hosts: ["./*"]
              - hosts: ["istio-system/*"]
            """));

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.NotYetEnforced && d.FieldPath == "spec.egress[0].bind");
    }

    [Theory]
    [InlineData("0", "", "spec.egress[0].bind", "Unix domain socket")]
    [InlineData("0", "unix://relative.sock", "spec.egress[0].bind", "absolute path")]
    [InlineData("9080", "unix:///var/run/a.sock", "spec.egress[0].bind", "not an IP address")]
    [InlineData("9080", "localhost", "spec.egress[0].bind", "not an IP address")]
    public void An_egress_bind_must_fit_its_port(string port, string bind, string path, string expected)
    {
        var error = Load.SingleError(Sidecar($"  egress:\n  - port: {{number: {port}, protocol: HTTP}}\n{(bind.Length > 0 ? $"    bind: {bind}\n" : "")}    hosts: [\"./*\"]"));

        Assert.Equal(path, error.FieldPath);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_ingress_port_without_a_protocol_is_sniffed_not_refused() =>
        Assert.Empty(Load.Errors(Sidecar("  ingress:\n  - port: {number: 9080, name: http}\n    defaultEndpoint: 127.0.0.1:8080")));

    [Theory]
    [InlineData("127.0.0.1:8080", null)]
    [InlineData("0.0.0.0:8080", null)]
    [InlineData("[::1]:8080", null)]
    [InlineData("unix:///var/run/app.sock", null)]
    [InlineData("10.0.0.1:8080", "must be one of")]
    [InlineData("127.0.0.1:http", "not a number")]
    [InlineData("127.0.0.1:70000", "out of range")]
    [InlineData("unix://app.sock", "absolute path")]
    public void An_ingress_default_endpoint_is_loopback_the_instance_or_a_unix_socket(string endpoint, string? expected)
    {
        var errors = Load.Errors(Sidecar($"  ingress:\n  - port: {{number: 9080, protocol: HTTP}}\n    defaultEndpoint: \"{endpoint}\""));

        if (expected is null) Assert.Empty(errors);
        else Assert.Contains(expected, Assert.Single(errors, e => e.FieldPath == "spec.ingress[0].defaultEndpoint").Message);
    }

    [Theory]
    [InlineData("HTTPS", "{mode: ISTIO_MUTUAL}", "spec.ingress[0].tls.mode")]
    [InlineData("HTTPS", "{mode: SIMPLE, credentialName: cert}", "spec.ingress[0].tls.credentialName")]
    [InlineData("HTTP", "{mode: SIMPLE, serverCertificate: /etc/c.pem, privateKey: /etc/k.pem}", "spec.ingress[0].tls")]
    public void Ingress_tls_is_refused_where_istio_cannot_serve_it(string protocol, string tls, string path) =>
        Assert.Equal(path, Load.SingleError(Sidecar($"  ingress:\n  - port: {{number: 9443, protocol: {protocol}}}\n    tls: {tls}")).FieldPath);

    [Fact]
    public void A_workload_selector_without_labels_is_a_warning_because_it_selects_every_workload()
    {
        var warning = Assert.Single(Load.Text(Sidecar("  workloadSelector: {}\n  egress:\n  - hosts: [\"./*\"]")).Diagnostics, d => d.Severity == Severity.Warning);

        Assert.Equal("spec.workloadSelector", warning.FieldPath);
        Assert.Contains("every workload in the namespace", warning.Message);
    }

    [Fact]
    public void An_egress_listeners_protocol_is_reported_as_not_enforced()
    {
        var result = Load.Text(Sidecar("""
              egress:
              - port: {number: 9080, protocol: TCP}
                hosts: ["./*"]
              - port: {number: 15080, protocol: HTTP_PROXY}
                hosts: ["./*"]
            """));

        Assert.Equal(["spec.egress[0].port.protocol"], result.Diagnostics.Where(d => d.Code == DiagnosticCodes.NotYetEnforced).Select(d => d.FieldPath));
    }

    [Theory]
    [InlineData("[\"./*\", \"./details.bookinfo.svc.cluster.local\"]", "spec.egress[0].hosts[1]")]
    [InlineData("[\"bookinfo/details.bookinfo.svc.cluster.local\", \"./*\"]", "spec.egress[0].hosts[1]")]
    [InlineData("[\"bookinfo/a.example.com\", \"./a.example.com\"]", "spec.egress[0].hosts[1]")]
    [InlineData("[\"*/*\", \"istio-system/*\"]", "spec.egress[0].hosts")]
    public void Hosts_that_overlap_within_a_listener_are_warnings_as_in_istio(string hosts, string path)
    {
        var result = Load.Text(Sidecar($"  egress:\n  - hosts: {hosts}"));

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal(path, Assert.Single(result.Diagnostics, d => d.Severity == Severity.Warning).FieldPath);
    }

    [Fact]
    public void Exclusions_do_not_overlap_the_imports_they_carve_from() =>
        Assert.DoesNotContain(Load.Text(Sidecar("  egress:\n  - hosts: [\"*/*\", \"~bookinfo/*\", \"~/bar.example.com\"]")).Diagnostics,
            d => d.Severity == Severity.Warning);
}
