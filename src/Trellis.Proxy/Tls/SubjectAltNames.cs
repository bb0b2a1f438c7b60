using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SanType = Envoy.Extensions.TransportSockets.Tls.V3.SubjectAltNameMatcher.Types.SanType;

namespace Trellis.Proxy.Tls;

/// <summary>A certificate's subject alternative names by type. .NET's X509SubjectAlternativeNameExtension gives DNS
/// names and IP addresses only, so the GeneralNames are read with System.Formats.Asn1 (RFC 5280 §4.2.1.6).</summary>
internal static class SubjectAltNames
{
    private const string Oid = "2.5.29.17";
    private static readonly Asn1Tag Email = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag Dns = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag Uri = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag Ip = new(TagClass.ContextSpecific, 7);

    public static List<(SanType Type, string Value)> Of(X509Certificate2 certificate)
    {
        var names = new List<(SanType, string)>();
        if (certificate.Extensions[Oid] is not { } extension) return names;
        try
        {
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.HasSameClassAndValue(Email)) names.Add((SanType.Email, sequence.ReadCharacterString(UniversalTagNumber.IA5String, Email)));
                else if (tag.HasSameClassAndValue(Dns)) names.Add((SanType.Dns, sequence.ReadCharacterString(UniversalTagNumber.IA5String, Dns)));
                else if (tag.HasSameClassAndValue(Uri)) names.Add((SanType.Uri, sequence.ReadCharacterString(UniversalTagNumber.IA5String, Uri)));
                else if (tag.HasSameClassAndValue(Ip)) names.Add((SanType.IpAddress, new IPAddress(sequence.ReadOctetString(Ip)).ToString()));
                else sequence.ReadEncodedValue();
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
        {
            // A malformed extension names nobody: the peer then matches no SAN matcher.
            names.Clear();
        }
        return names;
    }

    /// <summary>The first URI SAN (a SPIFFE ID in a mesh), or null.</summary>
    public static string? FirstUri(X509Certificate2 certificate)
    {
        foreach (var (type, value) in Of(certificate))
            if (type == SanType.Uri) return value;
        return null;
    }
}
