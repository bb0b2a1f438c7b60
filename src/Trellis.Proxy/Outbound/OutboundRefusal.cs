namespace Trellis.Proxy.Outbound;

/// <summary>Why the outbound pipeline stopped before reaching an upstream, as the local reply it calls for: HTTP
/// forwarding answers with <paramref name="Body"/> (Envoy's), a tunnel refuses its CONNECT; both give
/// <paramref name="Reason"/> in x-trellis-reason. <paramref name="Overloaded"/> adds Envoy's x-envoy-overloaded.</summary>
internal sealed record OutboundRefusal(int Status, string Flag, string Body, string Reason, bool Overloaded = false);
