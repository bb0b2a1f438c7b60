using System.Net;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of Sidecar, as Istio's ValidateSidecar: something to configure, egress hosts of the form
/// <c>namespace/dnsName</c>, unique listener ports with the catch-all egress listener last, and an egressProxy only
/// under ALLOW_ANY.</summary>
internal static class SidecarValidator
{
    private static readonly HashSet<string> Protocols = new(StringComparer.OrdinalIgnoreCase)
    {
        "HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "HTTP_PROXY", "MONGO", "MYSQL", "REDIS", "TCP", "TLS", "UDP",
    };

    public static void Validate(ValidationSink sink, SidecarSpec spec)
    {
        if (spec is { Egress: null or [], Ingress: null or [], OutboundTrafficPolicy: null, InboundConnectionPool: null })
            sink.Error("spec", "empty configuration: set egress, ingress, outboundTrafficPolicy or inboundConnectionPool");
        LabelValidation.Check(sink, "spec.workloadSelector.labels", spec.WorkloadSelector?.Labels);
        Ingress(sink, spec.Ingress ?? []);
        Egress(sink, spec.Egress ?? []);
        if (spec.OutboundTrafficPolicy is { EgressProxy: { } proxy } policy)
        {
            if (policy.Mode != Model.Mesh.OutboundTrafficPolicy.AllowAny)
                sink.Error("spec.outboundTrafficPolicy.egressProxy", "an egressProxy is only allowed with mode ALLOW_ANY (the mode defaults to REGISTRY_ONLY)");
            sink.Required("spec.outboundTrafficPolicy.egressProxy.host", proxy.Host);
            sink.Port("spec.outboundTrafficPolicy.egressProxy.port.number", proxy.Port?.Number, required: true);
        }
    }

    private static void Ingress(ValidationSink sink, IReadOnlyList<IstioIngressListener> listeners)
    {
        var ports = new HashSet<int>();
        for (var i = 0; i < listeners.Count; i++)
        {
            var at = $"spec.ingress[{i}]";
            var port = listeners[i].Port;
            if (port is null)
            {
                sink.Error($"{at}.port", "missing required field (an ingress listener needs a port)");
                continue;
            }
            Port(sink, $"{at}.port", port, protocolRequired: true);
            if (port.Number is { } number && !ports.Add(number)) sink.Error($"{at}.port.number", $"port {number} is used by another ingress listener");
            if (listeners[i].Bind is { Length: > 0 } bind && !IPAddress.TryParse(bind, out _))
                sink.Error($"{at}.bind", $"\"{bind}\" is not an IP address (ingress listeners cannot bind Unix sockets)");
        }
    }

    private static void Egress(ValidationSink sink, IReadOnlyList<IstioEgressListener> listeners)
    {
        var ports = new HashSet<int>();
        var catchAll = -1;
        for (var i = 0; i < listeners.Count; i++)
        {
            var at = $"spec.egress[{i}]";
            var listener = listeners[i];
            if (listener.Port is null)
            {
                if (catchAll >= 0) sink.Error(at, $"only one egress listener may leave out the port; spec.egress[{catchAll}] already does");
                else if (i != listeners.Count - 1) sink.Error(at, "the egress listener without a port catches every other port, so it must be the last one");
                catchAll = catchAll < 0 ? i : catchAll;
                if (listener.Bind is { Length: > 0 }) sink.Error($"{at}.bind", "a bind address needs a port");
            }
            else
            {
                Port(sink, $"{at}.port", listener.Port, protocolRequired: false);
                if (listener.Port.Number is { } number && !ports.Add(number)) sink.Error($"{at}.port.number", $"port {number} is used by another egress listener");
            }
            Hosts(sink, at, listener.Hosts);
        }
    }

    private static void Hosts(ValidationSink sink, string at, IReadOnlyList<string>? hosts)
    {
        if (hosts is not { Count: > 0 })
        {
            sink.Error($"{at}.hosts", "missing required field: an egress listener needs at least one host (\"~/*\" imports none)");
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < hosts.Count; i++)
        {
            var path = $"{at}.hosts[{i}]";
            var text = hosts[i];
            if (SidecarEgressHost.Parse(text) is not { } host)
            {
                sink.Error(path, $"\"{text}\" must be of the form namespace/dnsName, such as \"./reviews.bookinfo.svc.cluster.local\" or \"istio-system/*\"");
                continue;
            }
            if (!seen.Add(text)) sink.Warning(path, $"duplicate egress host \"{text}\"");
            var ns = text[..text.IndexOf('/')].TrimStart('~');
            if (text.StartsWith("/", StringComparison.Ordinal) || host.DnsName.Length == 0)
                sink.Error(path, $"\"{text}\": neither the namespace nor the dnsName may be empty (\"*\" means any)");
            else if (ns is not ("" or "*" or ".") && Names.Dns1123Label(ns) is { } problem)
                sink.Error(path, $"invalid namespace in \"{text}\": {problem}; use \"*\" for any namespace, \".\" for the Sidecar's own");
            else if (host.DnsName != "*")
            {
                HostValidation.Check(sink, path, host.DnsName);
                if (!host.DnsName.Contains('.'))
                    sink.Warning(path, $"\"{host.DnsName}\" is not a fully qualified name, and services are imported by their FQDN, so \"{text}\" imports nothing; " +
                                       $"did you mean \"{text[..(text.IndexOf('/') + 1)]}{host.DnsName}.{ServiceNamespace(sink, ns)}.svc.cluster.local\"?");
            }
        }
    }

    /// <summary>The namespace a short name in an egress host would be a Service of, for the suggestion.</summary>
    private static string ServiceNamespace(ValidationSink sink, string ns) => ns switch
    {
        "." => sink.Resource.Metadata.Namespace ?? "default",
        "" or "*" => "<namespace>",
        _ => ns,
    };

    private static void Port(ValidationSink sink, string at, SidecarPort port, bool protocolRequired)
    {
        sink.Port($"{at}.number", port.Number, required: true);
        if (port.Protocol is { } protocol && !Protocols.Contains(protocol))
            sink.Error($"{at}.protocol", $"unknown protocol \"{protocol}\"; expected one of {string.Join(", ", Protocols.Order(StringComparer.Ordinal))}");
        else if (protocolRequired && port.Protocol is null) sink.Error($"{at}.protocol", "missing required field");
        if (port.Name is { Length: > 0 } name && Names.Dns1123Label(name) is { } problem) sink.Error($"{at}.name", problem);
    }
}
