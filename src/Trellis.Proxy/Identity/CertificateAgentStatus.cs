namespace Trellis.Proxy.Identity;

/// <summary>What the identity agent last achieved: the certificate it serves (if any) and the last failure, so a proxy
/// that cannot get or renew its certificate says so in its log and admin readiness.</summary>
internal sealed record CertificateAgentStatus(string? SpiffeId, DateTimeOffset? NotAfter, DateTimeOffset? NextRotation, string? LastError)
{
    public static CertificateAgentStatus Initial { get; } = new(null, null, null, null);
}
