using System.Text.RegularExpressions;

namespace Trellis.Config.Validation;

/// <summary>Kubernetes name and label syntax (DNS-1123/1035, qualified names, label values).</summary>
internal static partial class Names
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValueRegex();

    /// <summary>Null when valid; otherwise why the DNS-1123 label (namespaces, subsets, container names) is not.</summary>
    public static string? Dns1123Label(string value) =>
        value.Length > 63 ? $"\"{value}\" is longer than 63 characters"
        : Dns1123LabelRegex().IsMatch(value) ? null
        : $"\"{value}\" is not a valid DNS-1123 label: lower case letters, digits and '-', starting and ending with a letter or digit";

    /// <summary>Null when valid; otherwise why the DNS-1035 label (Service names) is not.</summary>
    public static string? Dns1035Label(string value) =>
        value.Length > 63 ? $"\"{value}\" is longer than 63 characters"
        : Dns1035LabelRegex().IsMatch(value) ? null
        : $"\"{value}\" is not a valid DNS-1035 label: lower case letters, digits and '-', starting with a letter and ending with a letter or digit";

    /// <summary>Null when valid; otherwise why the DNS-1123 subdomain (most object names) is not.</summary>
    public static string? Dns1123Subdomain(string value) =>
        value.Length > 253 ? $"\"{value}\" is longer than 253 characters"
        : Dns1123SubdomainRegex().IsMatch(value) ? null
        : $"\"{value}\" is not a valid DNS-1123 subdomain: lower case letters, digits, '-' and '.', starting and ending with a letter or digit";

    /// <summary>Null when valid; otherwise why a label or annotation key (<c>[prefix/]name</c>) is not.</summary>
    public static string? LabelKey(string key)
    {
        var slash = key.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0 && (key[..slash] is var prefix) && Dns1123Subdomain(prefix) is not null)
            return $"label key \"{key}\" has an invalid prefix \"{prefix}\" (must be a DNS-1123 subdomain)";
        if (name.Length is 0 or > 63 || !QualifiedNameRegex().IsMatch(name))
            return $"label key \"{key}\" is invalid: the name part must be 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
        return null;
    }

    /// <summary>Null when valid; otherwise why a label value is not.</summary>
    public static string? LabelValue(string value) =>
        value.Length <= 63 && LabelValueRegex().IsMatch(value) ? null
        : $"label value \"{value}\" is invalid: at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
}
