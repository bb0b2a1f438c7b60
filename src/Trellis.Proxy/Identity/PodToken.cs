namespace Trellis.Proxy.Identity;

/// <summary>The pod token file a proxy proves its identity with. It is read for every use, since whoever started the
/// proxy rewrites it before it expires.</summary>
internal static class PodToken
{
    /// <summary>Istio's SECRET_TTL default.</summary>
    public static readonly TimeSpan DefaultCertificateTtl = TimeSpan.FromHours(24);

    /// <summary>Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> with the reason.</summary>
    public static string Read(string path)
    {
        var token = File.ReadAllText(path).Trim();
        return token.Length > 0 ? token : throw new IOException($"the pod token {path} is empty");
    }
}
