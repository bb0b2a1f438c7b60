using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Trellis.Proxy.Secrets;
using Trellis.Proxy.Tls;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>Envoy's envoy.transport_sockets.tls with an UpstreamTlsContext: originates TLS (mTLS with a client
/// certificate) on a dialed connection, verifies the server as the validation context says (no validation context:
/// any server, Istio's insecureSkipVerify), and fails the connection, with Envoy's TLS_error reason, otherwise.
/// SslStream resumes sessions to the same server on later connections.</summary>
internal sealed class UpstreamTlsTransportSocket(
    string where,
    CertificateSource? certificate,
    PeerValidation? validation,
    string sni,
    bool autoHostSni,
    TlsSettings settings,
    SecretStore secrets) : IUpstreamTransportSocket
{
    private static readonly List<SslApplicationProtocol> H2 = [SslApplicationProtocol.Http2];

    /// <summary>alpn_protocols for a connection that carries HTTP/1 or a tunnel: without "h2", which a server would take
    /// as a promise of HTTP/2 (Istio offers "h2" only on HTTP/2 clusters).</summary>
    private readonly List<SslApplicationProtocol>? _alpnWithoutH2 = settings.Alpn?.Where(p => p != SslApplicationProtocol.Http2).ToList();

    /// <summary>The URI SAN each endpoint last proved in a handshake, for telemetry's destination_principal (read when
    /// a series is first built, not per request).</summary>
    private readonly ConcurrentDictionary<string, string> _principals = new(StringComparer.Ordinal);

    public async ValueTask<Stream> ConnectAsync(Socket connected, string host, bool http2, CancellationToken ct)
    {
        CertificateSecret? own = null;
        if (certificate is not null && !certificate.TryGet(out own))
        {
            secrets.ReportMissing(certificate.SdsName!, where);
            connected.Dispose();
            throw new AuthenticationException($"TLS_error: the client certificate secret \"{certificate.SdsName}\" is not available");
        }
        var key = Key(host, (connected.RemoteEndPoint as IPEndPoint)?.Port ?? 0);
        var ssl = new SslStream(new NetworkStream(connected, ownsSocket: true), leaveInnerStreamOpen: false);
        string? refusal = null;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = sni.Length > 0 ? sni : autoHostSni ? host : "",
            ClientCertificateContext = own?.Context,
            RemoteCertificateValidationCallback = (_, cert, chain, _) =>
            {
                var peer = cert as X509Certificate2 ?? (cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
                refusal = peer is null ? "the server presented no certificate" : validation?.Verify(peer, chain);
                return refusal is null;
            },
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            EnabledSslProtocols = settings.Protocols,
            CipherSuitesPolicy = settings.Ciphers,
            ApplicationProtocols = http2 ? settings.Alpn ?? H2 : _alpnWithoutH2,
            AllowTlsResume = true,
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, ct);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw new AuthenticationException(refusal is null
                ? $"TLS_error: {e.GetBaseException().Message}"
                : $"TLS_error: CERTIFICATE_VERIFY_FAILED: {refusal}");
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
        if (ssl.RemoteCertificate is X509Certificate2 server && SubjectAltNames.FirstUri(server) is { } uri) _principals[key] = uri;
        return ssl;
    }

    /// <summary>The URI SAN the endpoint at <paramref name="host"/>:<paramref name="port"/> last proved, or null.</summary>
    public string? PrincipalOf(string host, int port) => _principals.GetValueOrDefault(Key(host, port));

    private static string Key(string host, int port) => $"{host}|{port}";
}
