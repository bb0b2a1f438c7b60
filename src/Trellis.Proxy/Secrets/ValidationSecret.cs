using System.Security.Cryptography.X509Certificates;

namespace Trellis.Proxy.Secrets;

/// <summary>Envoy's validation_context secret: the certificate authorities a peer's chain must lead to.</summary>
internal sealed record ValidationSecret(X509Certificate2Collection TrustedCas);
