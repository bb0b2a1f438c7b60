namespace Trellis.Config.Validation;

/// <summary>Istio host names: FQDN or short names, optionally with a single leading wildcard label (<c>*</c>, <c>*.example.com</c>).</summary>
internal static class HostValidation
{
    public static void Check(ValidationSink sink, string path, string host, bool allowNamespacePrefix = false)
    {
        var name = host;
        if (allowNamespacePrefix && host.IndexOf('/') is var slash and > 0)
        {
            var ns = host[..slash];
            if (ns is not ("*" or ".") && Names.Dns1123Label(ns) is { } problem) sink.Error(path, $"invalid namespace in \"{host}\": {problem}");
            name = host[(slash + 1)..];
        }
        if (name == "*") return;
        var rest = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
        if (rest.Length == 0 || rest.Contains('*'))
        {
            sink.Error(path, $"invalid host \"{host}\": a wildcard is only allowed as the whole first label (\"*.example.com\")");
            return;
        }
        if (Names.Dns1123Subdomain(rest.ToLowerInvariant().TrimEnd('.')) is not null)
            sink.Error(path, $"invalid host \"{host}\": must be a DNS name such as \"reviews\" or \"reviews.bookinfo.svc.cluster.local\"");
    }
}
