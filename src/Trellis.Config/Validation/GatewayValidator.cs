using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of Istio Gateway: servers with valid ports, protocols, hosts and TLS.</summary>
internal static class GatewayValidator
{
    private static readonly string[] Protocols = ["HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "MONGO", "TCP", "TLS"];

    public static void Validate(ValidationSink sink, GatewaySpec spec)
    {
        LabelValidation.Check(sink, "spec.selector", spec.Selector);
        if (spec.Servers is not { Count: > 0 } servers)
        {
            sink.Error("spec.servers", "a Gateway needs at least one server");
            return;
        }
        for (var i = 0; i < servers.Count; i++) Server(sink, $"spec.servers[{i}]", servers[i]);
    }

    private static void Server(ValidationSink sink, string path, Server server)
    {
        if (server.Port is not { } port) sink.Error($"{path}.port", "missing required field");
        else
        {
            sink.Port($"{path}.port.number", port.Number, required: true);
            sink.Port($"{path}.port.targetPort", port.TargetPort);
            if (string.IsNullOrEmpty(port.Protocol)) sink.Error($"{path}.port.protocol", "missing required field");
            else if (!Protocols.Contains(port.Protocol.ToUpperInvariant()))
                sink.Error($"{path}.port.protocol", $"unknown protocol \"{port.Protocol}\", expected one of {string.Join(", ", Protocols)}{DidYouMean.Hint(port.Protocol, Protocols)}");
        }
        if (server.Hosts is not { Count: > 0 } hosts) sink.Error($"{path}.hosts", "a server needs at least one host");
        else for (var i = 0; i < hosts.Count; i++) HostValidation.Check(sink, $"{path}.hosts[{i}]", hosts[i], allowNamespacePrefix: true);

        var protocol = server.Port?.Protocol?.ToUpperInvariant();
        if (protocol is "HTTPS" or "TLS" && server.Tls?.Mode is null)
            sink.Error($"{path}.tls.mode", $"a {protocol} server needs tls.mode (SIMPLE, MUTUAL, OPTIONAL_MUTUAL, ISTIO_MUTUAL{(protocol == "TLS" ? ", PASSTHROUGH or AUTO_PASSTHROUGH" : "")})");
        if (server.Tls is { } tls) Tls(sink, $"{path}.tls", tls, protocol);
    }

    /// <summary>Istio's validateTLSOptions and validateServer rules for a server's TLS settings.</summary>
    private static void Tls(ValidationSink sink, string path, ServerTlsSettings tls, string? protocol)
    {
        var plaintext = protocol is "HTTP" or "HTTP2" or "GRPC" or "GRPC-WEB" or "TCP" or "MONGO";
        if (tls.HttpsRedirect == true && protocol is not ("HTTP" or null))
            sink.Error($"{path}.httpsRedirect", $"httpsRedirect applies to plaintext HTTP servers only, not to a {protocol} server");
        if (plaintext && tls.Mode is not null)
            sink.Error($"{path}.mode", $"a plaintext {protocol} server cannot have TLS settings (only httpsRedirect); use protocol HTTPS or TLS");
        // Istio treats an HTTPS server in PASSTHROUGH as a TLS server (its own "without TLS termination" example is one).
        if (tls.Mode is "PASSTHROUGH" or "AUTO_PASSTHROUGH" && protocol is not ("TLS" or "HTTPS"))
            sink.Error($"{path}.mode", $"{tls.Mode} forwards TLS by SNI without terminating it: it needs protocol TLS or HTTPS, not {protocol ?? "none"}");
        var hasFiles = tls.ServerCertificate is not null || tls.PrivateKey is not null;
        var hasCredential = tls.CredentialName is not null || tls.CredentialNames is not null || tls.TlsCertificates is not null;
        if (tls.Mode is "SIMPLE" or "MUTUAL" or "OPTIONAL_MUTUAL")
        {
            if (!hasCredential && (tls.ServerCertificate is null || tls.PrivateKey is null))
                sink.Error(path, $"{tls.Mode} TLS needs credentialName, or serverCertificate and privateKey");
            if (tls.CredentialName is not null && hasFiles)
                sink.Error($"{path}.credentialName", "set credentialName or serverCertificate/privateKey, not both");
            if (tls.Mode is "MUTUAL" or "OPTIONAL_MUTUAL" && !hasCredential && tls.ServerCertificate is not null && tls.CaCertificates is null)
                sink.Error($"{path}.caCertificates", $"{tls.Mode} TLS with serverCertificate needs caCertificates to verify clients");
        }
        if (tls.Mode == "ISTIO_MUTUAL" && (hasFiles || hasCredential || tls.CaCertificates is not null))
            sink.Error(path, "ISTIO_MUTUAL uses the gateway's workload certificate: it cannot have credentialName, serverCertificate, privateKey or caCertificates");
        if (Rank(tls.MinProtocolVersion) is { } min && Rank(tls.MaxProtocolVersion) is { } max && min > max)
            sink.Error($"{path}.minProtocolVersion", $"minProtocolVersion {tls.MinProtocolVersion} is higher than maxProtocolVersion {tls.MaxProtocolVersion}");
        for (var i = 0; i < (tls.CipherSuites?.Count ?? 0); i++)
        {
            var suite = tls.CipherSuites![i];
            if (!TlsCipherSuites.IsKnown(suite))
                sink.Error($"{path}.cipherSuites[{i}]", $"unknown cipher suite \"{suite}\"{DidYouMean.Hint(suite, TlsCipherSuites.Known)}");
            else if (tls.CipherSuites.Take(i).Contains(suite, StringComparer.Ordinal))
                sink.Warning($"{path}.cipherSuites[{i}]", $"cipher suite \"{suite}\" is listed twice");
        }
    }

    /// <summary>TLS_AUTO leaves the bound to Envoy, so it never conflicts.</summary>
    private static int? Rank(string? version) => version switch
    {
        "TLSV1_0" => 0,
        "TLSV1_1" => 1,
        "TLSV1_2" => 2,
        "TLSV1_3" => 3,
        _ => null,
    };
}
