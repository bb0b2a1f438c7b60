using System.Net;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of Sidecar, as Istio's ValidateSidecar: something to configure, egress hosts of the form
/// <c>namespace/dnsName</c>, unique listener ports (port 0 with a Unix domain socket bind) with the catch-all egress
/// listener last, ingress defaultEndpoints and TLS Istio can serve, and an egressProxy only under ALLOW_ANY.</summary>
internal static class SidecarValidator
{
    private const string UnixPrefix = "unix://";

    private static readonly HashSet<string> Protocols = new(StringComparer.OrdinalIgnoreCase)
    {
        "HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "HTTP_PROXY", "MONGO", "MYSQL", "REDIS", "TCP", "TLS", "UDP",
    };

    public static void Validate(ValidationSink sink, SidecarSpec spec)
    {
        if (spec is { Egress: null or [], Ingress: null or [], OutboundTrafficPolicy: null, InboundConnectionPool: null })
            sink.Error("spec", "empty configuration: set egress, ingress, outboundTrafficPolicy or inboundConnectionPool");
        LabelValidation.Check(sink, "spec.workloadSelector.labels", spec.WorkloadSelector?.Labels);
        // As Istio's ValidateAlphaWorkloadSelector: an empty selector still counts as one, so this Sidecar selects every
        // workload of its namespace and takes precedence over the namespace's selector-less Sidecar.
        if (spec.WorkloadSelector is { Labels: null or { Count: 0 } })
            sink.Warning("spec.workloadSelector", "workload selector specified without labels: the Sidecar applies to every workload in the namespace, " +
                                                  "ahead of the namespace's Sidecar without a selector; remove workloadSelector or give it labels");
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
            // An ingress port without a protocol is sniffed, as Istio's ValidateProtocol allows.
            Port(sink, $"{at}.port", port);
            if (port.Number is { } number && !ports.Add(number)) sink.Error($"{at}.port.number", $"port {number} is used by another ingress listener");
            if (listeners[i].Bind is { Length: > 0 } bind && !IPAddress.TryParse(bind, out _))
                sink.Error($"{at}.bind", $"\"{bind}\" is not an IP address (ingress listeners cannot bind Unix sockets)");
            if (listeners[i].DefaultEndpoint is { Length: > 0 } endpoint) DefaultEndpoint(sink, $"{at}.defaultEndpoint", endpoint);
            if (listeners[i].Tls is { } tls) IngressTls(sink, $"{at}.tls", tls, port.Protocol);
        }
    }

    /// <summary>Where an ingress listener forwards: the workload on loopback or its own address, or a Unix socket.</summary>
    private static void DefaultEndpoint(ValidationSink sink, string path, string endpoint)
    {
        if (endpoint.StartsWith(UnixPrefix, StringComparison.Ordinal))
        {
            UnixAddress(sink, path, endpoint);
            return;
        }
        var colon = endpoint.LastIndexOf(':');
        var host = colon < 0 ? endpoint : endpoint[..colon].Trim('[', ']');
        if (colon < 0 || host is not ("" or "127.0.0.1" or "0.0.0.0" or "::1" or "::"))
            sink.Error(path, $"\"{endpoint}\" must be one of 127.0.0.1:PORT, 0.0.0.0:PORT, [::1]:PORT, [::]:PORT or unix:///path/to/socket");
        else if (!int.TryParse(endpoint[(colon + 1)..], out var port)) sink.Error(path, $"the port of \"{endpoint}\" is not a number");
        else sink.Port(path, port);
    }

    /// <summary>TLS an ingress listener terminates for clients outside the mesh: SIMPLE or MUTUAL with files, on a TLS port.</summary>
    private static void IngressTls(ValidationSink sink, string path, ServerTlsSettings tls, string? protocol)
    {
        if (tls.Mode is "ISTIO_MUTUAL" or "AUTO_PASSTHROUGH") sink.Error($"{path}.mode", $"{tls.Mode} cannot be set in a Sidecar's ingress TLS");
        if (tls.SubjectAltNames is { Count: > 0 }) sink.Error($"{path}.subjectAltNames", "subjectAltNames is not supported in a Sidecar's ingress TLS");
        if (tls.HttpsRedirect == true) sink.Error($"{path}.httpsRedirect", "httpsRedirect is not supported in a Sidecar's ingress TLS");
        if (tls.CredentialName is { Length: > 0 }) sink.Error($"{path}.credentialName", "credentialName is not supported in a Sidecar's ingress TLS; use serverCertificate and privateKey");
        if (tls.CredentialNames is { Count: > 0 }) sink.Error($"{path}.credentialNames", "credentialNames is not supported in a Sidecar's ingress TLS; use serverCertificate and privateKey");
        if (tls.TlsCertificates is { Count: > 0 }) sink.Error($"{path}.tlsCertificates", "tlsCertificates is not supported in a Sidecar's ingress TLS; use serverCertificate and privateKey");
        if (protocol?.ToUpperInvariant() is not ("HTTPS" or "TLS"))
            sink.Error(path, $"TLS settings need an HTTPS or TLS port, not {protocol ?? "one without a protocol"}");
    }

    private static void UnixAddress(ValidationSink sink, string path, string address)
    {
        var socket = address[UnixPrefix.Length..];
        if (socket.Length == 0) sink.Error(path, "the Unix domain socket address is empty");
        else if (!socket.StartsWith('@') && (!socket.StartsWith('/') || socket.EndsWith('/')))
            sink.Error(path, $"\"{socket}\" is not an absolute path to a file (or @name, a Linux abstract socket)");
    }

    private static void Egress(ValidationSink sink, IReadOnlyList<IstioEgressListener> listeners)
    {
        var ports = new HashSet<int>();
        var sockets = new HashSet<string>(StringComparer.Ordinal);
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
            else if (listener.Port.Number == 0)
            {
                // Port 0 is a Unix domain socket listener: apps write to the socket its bind names.
                Port(sink, $"{at}.port", listener.Port, unixSocket: true);
                if (listener.Bind is not { } socket || !socket.StartsWith(UnixPrefix, StringComparison.Ordinal))
                    sink.Error($"{at}.bind", "port 0 is a Unix domain socket listener: bind must be unix:///path/to/socket or unix://@name");
                else
                {
                    UnixAddress(sink, $"{at}.bind", socket);
                    if (!sockets.Add(socket)) sink.Error($"{at}.bind", $"the socket {socket} is bound by another egress listener");
                }
                if (listener.CaptureMode is not (null or "DEFAULT" or "NONE"))
                    sink.Error($"{at}.captureMode", "a Unix domain socket listener takes captureMode DEFAULT or NONE");
            }
            else
            {
                Port(sink, $"{at}.port", listener.Port);
                if (listener.Port.Number is { } number && !ports.Add(number)) sink.Error($"{at}.port.number", $"port {number} is used by another egress listener");
                if (listener.Bind is { Length: > 0 } bind && !IPAddress.TryParse(bind, out _))
                    sink.Error($"{at}.bind", $"\"{bind}\" is not an IP address (a Unix domain socket listener has port 0)");
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
        // As Istio's ValidateSidecar, imports ("." read as the Sidecar's namespace) that another import of the same
        // namespace already covers are warned about; exclusions are not imports.
        var imported = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < hosts.Count; i++)
        {
            var path = $"{at}.hosts[{i}]";
            var text = hosts[i];
            if (SidecarEgressHost.Parse(text) is not { } host)
            {
                sink.Error(path, $"\"{text}\" must be of the form namespace/dnsName, such as \"./reviews.bookinfo.svc.cluster.local\" or \"istio-system/*\"");
                continue;
            }
            if (!host.Excludes) Overlapping(sink, path, text, host, imported);
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
        if (imported.Count > 1 && imported.TryGetValue("*", out var anyNamespace) && anyNamespace.Contains("*"))
            sink.Warning($"{at}.hosts", "\"*/*\" imports every host, so the other hosts of this listener add nothing; keep \"*/*\" alone (exclusions \"~ns/...\" may stay)");
    }

    private static void Overlapping(ValidationSink sink, string path, string text, SidecarEgressHost host, Dictionary<string, HashSet<string>> imported)
    {
        var ns = host.Namespace == "." ? sink.Resource.Metadata.Namespace ?? "default" : host.Namespace;
        if (!imported.TryGetValue(ns, out var names)) imported[ns] = names = new HashSet<string>(StringComparer.Ordinal);
        if (host.DnsName == "*" ? names.Count > 0 : names.Contains(host.DnsName) || names.Contains("*"))
            sink.Warning(path, $"duplicated egress host \"{text}\": it overlaps an earlier host of this listener in the same namespace");
        names.Add(host.DnsName);
    }

    /// <summary>The namespace a short name in an egress host would be a Service of, for the suggestion.</summary>
    private static string ServiceNamespace(ValidationSink sink, string ns) => ns switch
    {
        "." => sink.Resource.Metadata.Namespace ?? "default",
        "" or "*" => "<namespace>",
        _ => ns,
    };

    private static void Port(ValidationSink sink, string at, SidecarPort port, bool unixSocket = false)
    {
        if (!unixSocket) sink.Port($"{at}.number", port.Number, required: true);
        if (port.Protocol is { } protocol && !Protocols.Contains(protocol))
            sink.Error($"{at}.protocol", $"unknown protocol \"{protocol}\"; expected one of {string.Join(", ", Protocols.Order(StringComparer.Ordinal))}");
        if (port.Name is { Length: > 0 } name && Names.Dns1123Label(name) is { } problem) sink.Error($"{at}.name", problem);
    }
}
