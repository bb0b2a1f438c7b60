using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>Fields Trellis accepts and keeps but does not act on yet. Each one that is set is reported as
/// information (TRL0006) at its position, so an ignored policy is never mistaken for a working one.</summary>
internal static class NotYetEnforced
{
    private const string Suffix = "is accepted, not yet enforced by Trellis";

    public static void Report(ValidationSink sink, VirtualServiceSpec vs)
    {
        for (var i = 0; i < (vs.Http?.Count ?? 0); i++)
        {
            var http = vs.Http![i];
            var at = $"spec.http[{i}]";
            Note(sink, $"{at}.corsPolicy", http.CorsPolicy, "the CORS policy");
            if (http.Retries is { } retries) Retries(sink, $"{at}.retries", retries);
        }
        for (var i = 0; i < (vs.Tls?.Count ?? 0); i++)
            if (vs.Gateways is not { Count: > 0 } || vs.Gateways.Contains("mesh"))
                sink.Info($"spec.tls[{i}]", $"TLS routing by SNI for sidecars (gateways: mesh) {Suffix}: only gateways route TLS by SNI", DiagnosticCodes.NotYetEnforced);
    }

    public static void Report(ValidationSink sink, DestinationRuleSpec dr)
    {
        Policy(sink, "spec.trafficPolicy", dr.TrafficPolicy);
        for (var i = 0; i < (dr.Subsets?.Count ?? 0); i++) Policy(sink, $"spec.subsets[{i}].trafficPolicy", dr.Subsets![i].TrafficPolicy);
    }

    public static void Report(ValidationSink sink, GatewaySpec gateway)
    {
        for (var i = 0; i < (gateway.Servers?.Count ?? 0); i++)
        {
            var server = gateway.Servers![i];
            if (server.Port?.Protocol?.ToUpperInvariant() is { } protocol and not ("HTTP" or "HTTP2" or "GRPC" or "HTTPS" or "TLS" or "TCP" or "MONGO" or "MYSQL" or "REDIS"))
                sink.Info($"spec.servers[{i}].port.protocol", $"The {protocol} server {Suffix}: the gateway serves HTTP, HTTPS, TLS and TCP servers", DiagnosticCodes.NotYetEnforced);
            var tls = server.Tls;
            var at = $"spec.servers[{i}].tls";
            if (tls?.Mode == "AUTO_PASSTHROUGH") sink.Info($"{at}.mode", $"AUTO_PASSTHROUGH {Suffix}: the server is not served", DiagnosticCodes.NotYetEnforced);
            Note(sink, $"{at}.credentialNames", tls?.CredentialNames, "serving several credentials (credentialNames); use credentialName");
            Note(sink, $"{at}.tlsCertificates", tls?.TlsCertificates, "serving several certificates (tlsCertificates); use credentialName");
        }
    }

    private static void Retries(ValidationSink sink, string path, HttpRetry retries)
    {
        foreach (var token in RetryOnConditions.Tokens(retries.RetryOn ?? "").Distinct())
        {
            if (!RetryOnConditions.IsKnown(token) || RetryOnConditions.IsStatusCode(token, out _) || RetryOnConditions.Enforced.Contains(token)) continue;
            sink.Info($"{path}.retryOn", $"The retryOn condition \"{token}\" {Suffix}: the proxy does not retry on it", DiagnosticCodes.NotYetEnforced);
        }
        Note(sink, $"{path}.backoff", retries.Backoff, "the retry backoff interval");
        Note(sink, $"{path}.retryRemoteLocalities", retries.RetryRemoteLocalities, "retrying in remote localities");
        Note(sink, $"{path}.retryIgnorePreviousHosts", retries.RetryIgnorePreviousHosts, "choosing other hosts on retry (retryIgnorePreviousHosts)");
    }

    /// <summary>A ServiceEntry makes its hosts' ports destinations the sidecar passes through to the host the app named.</summary>
    public static void Report(ValidationSink sink, ServiceEntrySpec entry)
    {
        Note(sink, "spec.endpoints", entry.Endpoints, "routing to a ServiceEntry's endpoints (the sidecar connects to the host the app named)");
        Note(sink, "spec.addresses", entry.Addresses, "matching a ServiceEntry by its addresses");
        Note(sink, "spec.workloadSelector", entry.WorkloadSelector, "selecting a ServiceEntry's workloads");
    }

    /// <summary>A Sidecar scopes what its workloads reach (egress hosts and ports, outboundTrafficPolicy); how the
    /// sidecar listens and captures traffic is the runtime's, not the Sidecar's, in Trellis.</summary>
    public static void Report(ValidationSink sink, SidecarSpec sidecar)
    {
        for (var i = 0; i < (sidecar.Ingress?.Count ?? 0); i++)
            sink.Info($"spec.ingress[{i}]", $"The ingress listener {Suffix}: the sidecar accepts inbound traffic on the ports of the Services that select its pod",
                DiagnosticCodes.NotYetEnforced);
        Note(sink, "spec.inboundConnectionPool", sidecar.InboundConnectionPool, "the inbound connection pool");
        for (var i = 0; i < (sidecar.Egress?.Count ?? 0); i++)
        {
            Note(sink, $"spec.egress[{i}].bind", sidecar.Egress![i].Bind, "binding an egress listener to an address (apps reach the sidecar through HTTP_PROXY)");
            Note(sink, $"spec.egress[{i}].captureMode", sidecar.Egress[i].CaptureMode, "the egress capture mode");
            // The port itself is enforced (the listener decides what that port reaches); its protocol is not: the
            // sidecar speaks the protocol the service port declares. HTTP_PROXY only says the listener serves every port.
            if (sidecar.Egress[i].Port?.Protocol is { } protocol && !protocol.Equals("HTTP_PROXY", StringComparison.OrdinalIgnoreCase))
                Note(sink, $"spec.egress[{i}].port.protocol", protocol, "the egress listener's protocol (traffic follows the protocol of the service port it reaches)");
        }
        Note(sink, "spec.outboundTrafficPolicy.egressProxy", sidecar.OutboundTrafficPolicy?.EgressProxy, "forwarding unknown traffic to an egress proxy");
    }

    private static void Policy(ValidationSink sink, string path, TrafficPolicy? policy)
    {
        if (policy is null) return;
        Note(sink, $"{path}.tunnel", policy.Tunnel, "tunnelling");
        Note(sink, $"{path}.proxyProtocol", policy.ProxyProtocol, "the PROXY protocol");
        Note(sink, $"{path}.retryBudget", policy.RetryBudget, "the retry budget");
        LoadBalancer(sink, $"{path}.loadBalancer", policy.LoadBalancer);
        for (var i = 0; i < (policy.PortLevelSettings?.Count ?? 0); i++)
        {
            LoadBalancer(sink, $"{path}.portLevelSettings[{i}].loadBalancer", policy.PortLevelSettings![i].LoadBalancer);
        }
    }

    private static void LoadBalancer(ValidationSink sink, string path, LoadBalancerSettings? lb)
    {
        Note(sink, $"{path}.localityLbSetting", lb?.LocalityLbSetting, "locality load balancing");
        Note(sink, $"{path}.warmup", lb?.Warmup, "slow start (warmup)");
        Note(sink, $"{path}.warmupDurationSecs", lb?.WarmupDurationSecs, "slow start (warmupDurationSecs)");
    }

    private static void Note(ValidationSink sink, string path, object? value, string what)
    {
        if (value is null) return;
        sink.Info(path, $"{char.ToUpperInvariant(what[0])}{what[1..]} {Suffix}", DiagnosticCodes.NotYetEnforced);
    }
}
