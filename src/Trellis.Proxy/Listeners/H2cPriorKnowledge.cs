using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Trellis.Proxy.Listeners;

/// <summary>Lets one cleartext port serve both HTTP/1.1 and HTTP/2 with prior knowledge (h2c), as Envoy's
/// AUTO codec does. Kestrel (.NET 10) serves a cleartext Http1AndHttp2 endpoint as HTTP/1.1 only; it picks
/// HTTP/2 when the connection carries TLS features with "h2" negotiated. So this middleware peeks at the
/// first bytes and, when they are the HTTP/2 preface, marks the connection that way; the marker carries no
/// certificate, and <see cref="IsMarked"/> lets the connection manager restore the "http" scheme.</summary>
internal static class H2cPriorKnowledge
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    private static readonly TimeSpan PeekTimeout = TimeSpan.FromSeconds(10);

    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        bool isHttp2;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
            timeout.CancelAfter(PeekTimeout);
            isHttp2 = await StartsWithPrefaceAsync(connection, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            connection.Abort();
            return;
        }
        if (isHttp2)
        {
            connection.Features.Set<ITlsApplicationProtocolFeature>(NegotiatedH2.Instance);
            // A connection the proxy's TLS terminated keeps its TLS facts (and "https"); the preface alone picks HTTP/2,
            // as Envoy's AUTO codec does whatever ALPN said.
            if (connection.Features.Get<ITlsConnectionFeature>() is null) connection.Features.Set<ITlsConnectionFeature>(NegotiatedH2.Instance);
        }
        await next(connection);
    };

    private static async Task<bool> StartsWithPrefaceAsync(ConnectionContext connection, CancellationToken ct)
    {
        var input = connection.Transport.Input;
        var head = new byte[Preface.Length];
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            buffer.Slice(0, length).CopyTo(head);
            var matchesSoFar = head.AsSpan(0, length).SequenceEqual(Preface.AsSpan(0, length));
            if (!matchesSoFar || length == Preface.Length || result.IsCompleted)
            {
                // Consume nothing: Kestrel reads the same bytes again.
                input.AdvanceTo(buffer.Start);
                return matchesSoFar && length == Preface.Length;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True when the request arrived on a cleartext connection this middleware switched to HTTP/2.</summary>
    public static bool IsMarked(HttpContext http) => http.Features.Get<ITlsConnectionFeature>() is NegotiatedH2;

    private sealed class NegotiatedH2 : ITlsApplicationProtocolFeature, ITlsConnectionFeature
    {
        public static readonly NegotiatedH2 Instance = new();
        private static readonly ReadOnlyMemory<byte> H2 = "h2"u8.ToArray();

        public ReadOnlyMemory<byte> ApplicationProtocol => H2;

        public X509Certificate2? ClientCertificate
        {
            get => null;
            set { }
        }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
