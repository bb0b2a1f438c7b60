using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.ListenerFilters;
using Trellis.Proxy.Secrets;
using Trellis.Proxy.Security;
using Trellis.Proxy.Tls;

namespace Trellis.Proxy.Listeners.TransportSockets;

/// <summary>Envoy's envoy.transport_sockets.tls with a DownstreamTlsContext: terminates TLS on the connection with
/// SslStream, as Kestrel's HTTPS middleware does, and leaves the decrypted bytes as the connection's transport. The
/// certificate is looked up per handshake (rotation needs no push); a missing one refuses the handshake.</summary>
internal sealed class TlsTransportSocket(
    string where,
    CertificateSource certificate,
    PeerValidation? validation,
    bool requireClientCertificate,
    bool requireSni,
    TlsSettings settings,
    bool allowResume,
    SecretStore secrets) : IDownstreamTransportSocket
{
    /// <summary>Kestrel's default: a client that stalls its handshake does not hold the connection longer.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Reads the client's ALPN offer from its ClientHello (without consuming it) when the chain has alpn_protocols.</summary>
    private static readonly ListenerFilterSet HelloReader = new([TlsInspector.Instance], HandshakeTimeout, ContinueOnTimeout: false);

    public bool IsPlaintext => false;

    /// <summary>This side's certificate, for XFCC's By.</summary>
    public CertificateSource Certificate => certificate;

    public async ValueTask<bool> AcceptAsync(ConnectionContext connection, CancellationToken ct)
    {
        if (!certificate.TryGet(out var secret))
        {
            secrets.ReportMissing(certificate.SdsName!, where);
            return false;
        }
        var alpn = settings.Alpn is { } configured ? await AgreedAlpnAsync(connection, configured) : null;
        var ssl = new SslStream(new DuplexPipeStream(connection.Transport), leaveInnerStreamOpen: true);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = secret.Context,
            // With a validation context Envoy asks every client for a certificate; require_client_certificate decides
            // whether a client without one is turned away.
            ClientCertificateRequired = validation is not null,
            RemoteCertificateValidationCallback = Verify,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            EnabledSslProtocols = settings.Protocols,
            CipherSuitesPolicy = settings.Ciphers,
            ApplicationProtocols = alpn,
            AllowTlsResume = allowResume,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token);
            if (requireSni && string.IsNullOrEmpty(ssl.TargetHostName)) throw new AuthenticationException("the client sent no SNI and require_sni is set");
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or InvalidOperationException)
        {
            await ssl.DisposeAsync();
            return false;
        }
        var peer = ssl.RemoteCertificate as X509Certificate2;
        var negotiated = ssl.NegotiatedApplicationProtocol;
        connection.Features.Set(new DownstreamTlsInfo(peer, peer is null ? null : SubjectAltNames.FirstUri(peer),
            string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName, negotiated.Protocol.IsEmpty ? null : negotiated.ToString()));
        var feature = new TlsConnectionFeature(ssl);
        connection.Features.Set<ITlsConnectionFeature>(feature);
        connection.Features.Set<ITlsApplicationProtocolFeature>(feature);
        connection.Features.Set<ITlsHandshakeFeature>(feature);
        // Completing either pipe (Kestrel does when the connection ends) disposes the SslStream.
        connection.Transport = new TlsTransport(PipeReader.Create(ssl), PipeWriter.Create(ssl));
        return true;
    }

    /// <summary>Our protocols the client also offers, in our order. None in common means no ALPN at all, as BoringSSL
    /// answers in Envoy (a sidecar offering only "istio" still connects); .NET would abort such a handshake.</summary>
    private static async ValueTask<List<SslApplicationProtocol>?> AgreedAlpnAsync(ConnectionContext connection, List<SslApplicationProtocol> configured)
    {
        var facts = new ConnectionFacts(null, null);
        if (!await HelloReader.InspectAsync(connection, facts) || facts.ApplicationProtocols.Count == 0) return null;
        List<SslApplicationProtocol>? agreed = null;
        foreach (var protocol in configured)
            foreach (var offered in facts.ApplicationProtocols)
                if (protocol.Protocol.Span.SequenceEqual(System.Text.Encoding.ASCII.GetBytes(offered))) (agreed ??= []).Add(protocol);
        return agreed;
    }

    private bool Verify(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return !requireClientCertificate;
        var peer = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return validation?.Verify(peer, chain) is null;
    }

    private sealed class TlsTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
