using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Trellis.Proxy.Identity;

/// <summary>The SPIFFE ID (a <c>spiffe://</c> URI SAN) a certificate names.</summary>
internal static class SpiffeIds
{
    public static string? Of(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17") continue;
            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (names.HasData)
                {
                    var tag = names.PeekTag();
                    if (tag is { TagClass: TagClass.ContextSpecific, TagValue: 6 })
                    {
                        var uri = names.ReadCharacterString(UniversalTagNumber.IA5String, tag);
                        if (uri.StartsWith("spiffe://", StringComparison.Ordinal)) return uri;
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                return null;
            }
        }
        return null;
    }
}
