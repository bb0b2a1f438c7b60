namespace Trellis.Proxy.Clusters;

/// <summary>Which HTTP version a cluster speaks to its endpoints (from its HttpProtocolOptions).</summary>
internal enum UpstreamProtocol
{
    /// <summary>HTTP/1.1, Envoy's default.</summary>
    Http1,

    /// <summary>HTTP/2 with prior knowledge over cleartext (h2c) or TLS.</summary>
    Http2,

    /// <summary>The version the downstream request arrived with.</summary>
    Downstream,
}
