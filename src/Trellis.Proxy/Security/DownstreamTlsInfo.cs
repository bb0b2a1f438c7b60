using System.Security.Cryptography.X509Certificates;

namespace Trellis.Proxy.Security;

/// <summary>What a downstream connection's TLS handshake established, set once per connection (as a connection
/// feature) by the TLS transport socket and read by authorization, XFCC and telemetry. Absent on plaintext.</summary>
/// <param name="PeerCertificate">The client's certificate when it presented one that verified.</param>
/// <param name="PeerUriSan">Its first URI SAN, such as spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage.</param>
/// <param name="ServerName">The SNI the client asked for.</param>
/// <param name="NegotiatedAlpn">The application protocol agreed on, such as istio-peer-exchange or h2.</param>
internal sealed record DownstreamTlsInfo(
    X509Certificate2? PeerCertificate,
    string? PeerUriSan,
    string? ServerName,
    string? NegotiatedAlpn)
{
    /// <summary>The peer's principal as Istio writes it in policies and telemetry: the URI SAN without spiffe://.</summary>
    public string? PeerPrincipal { get; } = PeerUriSan is { } uri && uri.StartsWith("spiffe://", StringComparison.Ordinal) ? uri[9..] : PeerUriSan;

    private volatile Memo? _memo;

    /// <summary>A value derived from this connection's handshake alone (the XFCC element: hashing and printing the peer
    /// certificate), computed by its first request and reused by the rest, for as long as <paramref name="key"/> is the
    /// same object (a connection keeps its filter chain, so <paramref name="argument"/> is the same for all its requests).
    /// Concurrent first requests may both compute it; they compute the same thing.</summary>
    public string Memoized<TKey, TArgument>(TKey key, TArgument argument, Func<TKey, TArgument, DownstreamTlsInfo, string> compute) where TKey : class
    {
        if (_memo is { } memo && ReferenceEquals(memo.Key, key)) return memo.Value;
        var value = compute(key, argument, this);
        _memo = new Memo(key, value);
        return value;
    }

    private sealed record Memo(object Key, string Value);
}
