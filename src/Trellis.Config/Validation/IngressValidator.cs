using System.Net;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>The Kubernetes API's rules for an Ingress (networking.k8s.io/v1), and what Istio does not serve of it.</summary>
internal static class IngressValidator
{
    public static void Validate(ValidationSink sink, IngressSpec spec)
    {
        if (spec.DefaultBackend is { } fallback)
        {
            Backend(sink, "spec.defaultBackend", fallback);
            sink.Warning("spec.defaultBackend", "Istio does not serve an Ingress's defaultBackend (it would match every host and path, over any VirtualService); route the rest with a VirtualService");
        }
        for (var i = 0; i < (spec.Tls?.Count ?? 0); i++)
        {
            for (var h = 0; h < (spec.Tls![i].Hosts?.Count ?? 0); h++) Host(sink, $"spec.tls[{i}].hosts[{h}]", spec.Tls[i].Hosts![h]);
            if (string.IsNullOrEmpty(spec.Tls[i].SecretName))
                sink.Warning($"spec.tls[{i}].secretName", "a TLS entry without secretName is not served (Istio skips it)");
        }
        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++)
        {
            var rule = spec.Rules![i];
            if (rule.Host is { Length: > 0 } host) Host(sink, $"spec.rules[{i}].host", host);
            if (rule.Http is null)
            {
                sink.Warning($"spec.rules[{i}]", "a rule without http paths routes nothing");
                continue;
            }
            if (rule.Http.Paths is not { Count: > 0 } paths)
            {
                sink.Error($"spec.rules[{i}].http.paths", "at least one path is required");
                continue;
            }
            for (var j = 0; j < paths.Count; j++) Path(sink, $"spec.rules[{i}].http.paths[{j}]", paths[j]);
        }
        if (spec.DefaultBackend is null && spec.Rules is not { Count: > 0 })
            sink.Error("spec", "either defaultBackend or rules must be specified");
    }

    private static void Path(ValidationSink sink, string at, HttpIngressPath path)
    {
        sink.Required($"{at}.pathType", path.PathType);
        if (path.PathType is HttpIngressPath.Exact or HttpIngressPath.Prefix && path.Path is not { Length: > 0 })
            sink.Error($"{at}.path", $"a path is required for pathType {path.PathType}");
        else if (path.Path is { Length: > 0 } value && !value.StartsWith('/'))
            sink.Error($"{at}.path", $"\"{value}\" must be an absolute path (start with /)");
        if (path.Backend is null) sink.Error($"{at}.backend", "missing required field");
        else Backend(sink, $"{at}.backend", path.Backend);
    }

    private static void Backend(ValidationSink sink, string at, IngressBackend backend)
    {
        if ((backend.Service is null) == (backend.Resource is null))
        {
            sink.Error(at, "set exactly one of service or resource");
            return;
        }
        if (backend.Resource is not null)
        {
            sink.Warning($"{at}.resource", "Istio serves only Service backends; requests for this path are not routed");
            return;
        }
        var service = backend.Service!;
        sink.Required($"{at}.service.name", service.Name);
        if (service.Name is { Length: > 0 } name && Names.Dns1035Label(name) is { } problem) sink.Error($"{at}.service.name", problem);
        if (service.Port is not { } port || (port.Number is null) == string.IsNullOrEmpty(port.Name))
            sink.Error($"{at}.service.port", "set exactly one of number or name");
        else if (port.Number is not null) sink.Port($"{at}.service.port.number", port.Number, required: true);
    }

    private static void Host(ValidationSink sink, string at, string host)
    {
        if (IPAddress.TryParse(host, out _))
        {
            sink.Error(at, $"\"{host}\" must be a DNS name, not an IP address");
            return;
        }
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (Names.Dns1123Subdomain(name) is { } problem) sink.Error(at, problem);
    }
}
