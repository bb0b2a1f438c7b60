namespace Trellis.ControlPlane.Store;

/// <summary>Persisted objects start with a YAML comment naming the file they were applied from,
/// so a restarted control plane still knows where relative paths in them point.</summary>
internal static class OriginHeader
{
    private const string Prefix = "# trellis-origin: ";

    public static string Join(string origin, string yaml) => $"{Prefix}{origin}\n{yaml}";

    public static (string? Origin, string Yaml) Split(string yaml)
    {
        if (!yaml.StartsWith(Prefix, StringComparison.Ordinal)) return (null, yaml);
        var end = yaml.IndexOf('\n');
        return end < 0 ? (yaml[Prefix.Length..], "") : (yaml[Prefix.Length..end].Trim(), yaml[(end + 1)..]);
    }
}
