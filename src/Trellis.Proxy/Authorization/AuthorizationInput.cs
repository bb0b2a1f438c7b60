using System.Net;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Security;

namespace Trellis.Proxy.Authorization;

/// <summary>What an RBAC rule can look at, gathered once per request (or per connection at L4) without copying:
/// the request when there is one, the connection's addresses, what TLS proved, and the dynamic metadata.</summary>
internal readonly struct AuthorizationInput
{
    /// <summary>The HTTP request; null for a connection (network RBAC), which matches rules as Envoy's empty header map does.</summary>
    public HttpRequest? Request { get; init; }

    /// <summary>The request's path without query or fragment, as routing saw it (after the HCM's normalization).</summary>
    public string? Path { get; init; }

    /// <summary>The address the connection was made to.</summary>
    public IPAddress? DestinationAddress { get; init; }

    public int DestinationPort { get; init; }

    /// <summary>The connection's peer (Envoy's direct_remote_ip, and source_ip as no proxy protocol is taken).</summary>
    public IPAddress? DirectRemote { get; init; }

    /// <summary>The original client as the HCM's x-forwarded-for settings determine it (Envoy's remote_ip).</summary>
    public IPAddress? Remote { get; init; }

    /// <summary>The SNI the client sent; empty when none.</summary>
    public string ServerName { get; init; }

    /// <summary>What the downstream TLS handshake proved; null on plaintext.</summary>
    public DownstreamTlsInfo? Tls { get; init; }

    public DynamicMetadata? Metadata { get; init; }

    /// <summary>IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; rules name them as IPv4, as Envoy sees them.</summary>
    public static IPAddress? Plain(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
