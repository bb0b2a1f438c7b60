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
        if (protocol is "HTTPS" or "TLS" && server.Tls?.Mode is null && server.Tls?.HttpsRedirect != true)
            sink.Error($"{path}.tls", $"a {protocol} server needs tls.mode");
        if (server.Tls is { Mode: "SIMPLE" or "MUTUAL" } tls && tls.CredentialName is null && tls.CredentialNames is null
            && tls.TlsCertificates is null && (tls.ServerCertificate is null || tls.PrivateKey is null))
            sink.Error($"{path}.tls", $"{tls.Mode} TLS needs credentialName, or serverCertificate and privateKey");
    }
}
