namespace Trellis.Config.Semantics;

/// <summary>What a sidecar accepts on an inbound port: PeerAuthentication's modes once UNSET is resolved.</summary>
public enum MutualTlsMode
{
    /// <summary>Mutual TLS and plaintext on the same port (Istio's default when no policy says otherwise).</summary>
    Permissive,
    /// <summary>Mutual TLS only; plaintext is refused at the connection.</summary>
    Strict,
    /// <summary>Plaintext only.</summary>
    Disable,
}
