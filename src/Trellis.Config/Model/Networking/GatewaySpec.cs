using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>Istio Gateway: the servers (ports, hosts, TLS) a gateway proxy selected by labels exposes.</summary>
public sealed record GatewaySpec
{
    public IReadOnlyDictionary<string, string>? Selector { get; init; }
    public IReadOnlyList<Server>? Servers { get; init; }
}

/// <summary>One listening port of a gateway and the hosts it serves.</summary>
public sealed record Server
{
    public ServerPort? Port { get; init; }
    public string? Bind { get; init; }
    public IReadOnlyList<string>? Hosts { get; init; }
    public ServerTlsSettings? Tls { get; init; }
    public string? DefaultEndpoint { get; init; }
    public string? Name { get; init; }
}

/// <summary>A gateway server's port and protocol.</summary>
public sealed record ServerPort
{
    public int? Number { get; init; }
    public string? Protocol { get; init; }
    public string? Name { get; init; }
    public int? TargetPort { get; init; }
}

/// <summary>Server-side TLS of a gateway server.</summary>
public sealed record ServerTlsSettings
{
    public bool? HttpsRedirect { get; init; }
    [OneOf("PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL")] public string? Mode { get; init; }
    public string? ServerCertificate { get; init; }
    public string? PrivateKey { get; init; }
    public string? CaCertificates { get; init; }
    public string? CaCrl { get; init; }
    public string? CredentialName { get; init; }
    public IReadOnlyList<string>? CredentialNames { get; init; }
    public IReadOnlyList<TlsCertificate>? TlsCertificates { get; init; }
    public IReadOnlyList<string>? SubjectAltNames { get; init; }
    public IReadOnlyList<string>? VerifyCertificateSpki { get; init; }
    public IReadOnlyList<string>? VerifyCertificateHash { get; init; }
    [OneOf("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3")] public string? MinProtocolVersion { get; init; }
    [OneOf("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3")] public string? MaxProtocolVersion { get; init; }
    public IReadOnlyList<string>? CipherSuites { get; init; }
}

/// <summary>A certificate/key pair served by a gateway.</summary>
public sealed record TlsCertificate
{
    public string? ServerCertificate { get; init; }
    public string? PrivateKey { get; init; }
    public string? CaCertificates { get; init; }
}
