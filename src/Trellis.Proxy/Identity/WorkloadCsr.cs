using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trellis.Proxy.Identity;

/// <summary>A fresh key pair and the CSR for it. The key stays in this process; only the CSR is sent. The CSR names no
/// identity: the CA writes the one the pod token proves.</summary>
internal sealed class WorkloadCsr : IDisposable
{
    private WorkloadCsr(ECDsa key, string pem)
    {
        Key = key;
        Pem = pem;
    }

    public ECDsa Key { get; }

    public string Pem { get; }

    public static WorkloadCsr Create()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        return new WorkloadCsr(key, request.CreateSigningRequestPem());
    }

    public void Dispose() => Key.Dispose();
}
