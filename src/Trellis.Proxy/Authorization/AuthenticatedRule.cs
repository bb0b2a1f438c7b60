using System.Security.Cryptography.X509Certificates;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Authorization;

/// <summary>authenticated: the connection's TLS peer presented a verified certificate. Without principal_name any such
/// peer matches; with it, as Envoy: the URI SAN, else any DNS SAN, else the subject. Plaintext never matches.</summary>
internal sealed class AuthenticatedRule(StringMatch? principalName) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input)
    {
        if (input.Tls?.PeerCertificate is not { } certificate) return false;
        if (principalName is null) return true;
        if (input.Tls.PeerUriSan is { } uri) return principalName.Matches(uri);
        var dnsNames = false;
        foreach (var extension in certificate.Extensions)
        {
            if (extension is not X509SubjectAlternativeNameExtension san) continue;
            foreach (var name in san.EnumerateDnsNames())
            {
                dnsNames = true;
                if (principalName.Matches(name)) return true;
            }
        }
        return !dnsNames && principalName.Matches(certificate.Subject);
    }
}
