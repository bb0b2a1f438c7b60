using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners.TransportSockets;
using Trellis.Proxy.Security;
using Trellis.Proxy.Tls;
using Mode = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager.Types.ForwardClientCertDetails;

namespace Trellis.Proxy.Listeners.ClientCertificates;

/// <summary>The HCM's forward_client_cert_details and set_current_client_cert_details, applied to x-forwarded-client-cert
/// as Envoy documents them. A request that did not arrive over mTLS never carries a client's XFCC on (whatever it
/// claims), except with ALWAYS_FORWARD_ONLY; SANITIZE (the default) always removes it. The element this hop adds
/// is By (our own URI SAN), Hash (SHA-256 of the peer certificate), then Subject, URI, Cert, Chain, DNS as configured.</summary>
internal sealed record ForwardClientCertPolicy(Mode Mode, bool Subject, bool Uri, bool Cert, bool Chain, bool Dns)
{
    public const string Header = "x-forwarded-client-cert";

    public static readonly ForwardClientCertPolicy Default = new(Mode.Sanitize, false, false, false, false, false);

    public static ForwardClientCertPolicy Compile(HttpConnectionManager hcm)
    {
        var details = hcm.SetCurrentClientCertDetails;
        if (hcm.ForwardClientCertDetails == Mode.Sanitize && details is null) return Default;
        return new ForwardClientCertPolicy(hcm.ForwardClientCertDetails, details?.Subject == true, details?.Uri == true,
            details?.Cert == true, details?.Chain == true, details?.Dns == true);
    }

    public void Apply(RequestContext context)
    {
        if (Mode == Mode.AlwaysForwardOnly) return;
        var headers = context.Http.Request.Headers;
        var tls = context.Http.Features.Get<DownstreamTlsInfo>();
        if (tls?.PeerCertificate is not { } peer || Mode == Mode.Sanitize)
        {
            headers.Remove(Header);
            return;
        }
        switch (Mode)
        {
            case Mode.ForwardOnly:
                return;
            case Mode.AppendForward:
                var existing = headers[Header];
                var element = ElementOf(tls, context.Chain.TransportSocket);
                headers[Header] = existing.Count == 0 ? element : $"{existing},{element}";
                return;
            default:
                headers[Header] = ElementOf(tls, context.Chain.TransportSocket);
                return;
        }
    }

    /// <summary>The element depends only on the connection (its peer and our certificate) and this policy, so it is
    /// computed once per connection and chain rather than per request.</summary>
    private string ElementOf(DownstreamTlsInfo tls, IDownstreamTransportSocket socket) =>
        tls.Memoized(this, socket, static (policy, chainSocket, info) => policy.Element(info.PeerCertificate!, chainSocket));

    private string Element(X509Certificate2 peer, IDownstreamTransportSocket socket)
    {
        var text = new StringBuilder(256);
        if ((socket as TlsTransportSocket)?.Certificate.OwnUri() is { } by) text.Append("By=").Append(by).Append(';');
        text.Append("Hash=").Append(Convert.ToHexStringLower(SHA256.HashData(peer.RawData)));
        if (Subject) text.Append(";Subject=\"").Append(Rfc2253(peer.SubjectName).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        var sans = Uri || Dns ? SubjectAltNames.Of(peer) : null;
        if (Uri)
            foreach (var (type, value) in sans!)
                if (type == Envoy.Extensions.TransportSockets.Tls.V3.SubjectAltNameMatcher.Types.SanType.Uri) text.Append(";URI=").Append(value);
        if (Cert) text.Append(";Cert=\"").Append(System.Uri.EscapeDataString(peer.ExportCertificatePem() + "\n")).Append('"');
        if (Chain)
        {
            // Envoy sends the peer's chain as presented; the handshake exposes the verified leaf, so the chain is the leaf.
            text.Append(";Chain=\"").Append(System.Uri.EscapeDataString(peer.ExportCertificatePem() + "\n")).Append('"');
        }
        if (Dns)
            foreach (var (type, value) in sans!)
                if (type == Envoy.Extensions.TransportSockets.Tls.V3.SubjectAltNameMatcher.Types.SanType.Dns) text.Append(";DNS=").Append(value);
        return text.ToString();
    }

    /// <summary>The subject as RFC 2253 prints it (what Envoy puts in Subject): most significant last, comma-separated.</summary>
    private static string Rfc2253(X500DistinguishedName name)
    {
        var parts = new List<string>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements) continue;
            var oid = rdn.GetSingleElementType();
            var key = oid.Value switch
            {
                "2.5.4.3" => "CN", "2.5.4.6" => "C", "2.5.4.7" => "L", "2.5.4.8" => "ST", "2.5.4.10" => "O", "2.5.4.11" => "OU",
                "0.9.2342.19200300.100.1.25" => "DC", "0.9.2342.19200300.100.1.1" => "UID", _ => oid.Value,
            };
            var value = rdn.GetSingleElementValue() ?? "";
            var escaped = new StringBuilder(value.Length);
            foreach (var c in value)
            {
                if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';') escaped.Append('\\');
                escaped.Append(c);
            }
            parts.Add($"{key}={escaped}");
        }
        return string.Join(",", parts);
    }
}
