using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of DestinationRule: host, unique valid subsets and sane traffic policies.</summary>
internal static class DestinationRuleValidator
{
    public static void Validate(ValidationSink sink, DestinationRuleSpec spec)
    {
        sink.Required("spec.host", spec.Host);
        if (spec.Host is { Length: > 0 } host) HostValidation.Check(sink, "spec.host", host);
        Policy(sink, "spec.trafficPolicy", spec.TrafficPolicy);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (spec.Subsets?.Count ?? 0); i++)
        {
            var subset = spec.Subsets![i];
            var path = $"spec.subsets[{i}]";
            if (string.IsNullOrEmpty(subset.Name)) sink.Error($"{path}.name", "missing required field");
            else if (Names.Dns1123Label(subset.Name) is { } problem) sink.Error($"{path}.name", problem);
            else if (!seen.Add(subset.Name)) sink.Error($"{path}.name", $"duplicate subset name \"{subset.Name}\"");
            LabelValidation.Check(sink, $"{path}.labels", subset.Labels);
            Policy(sink, $"{path}.trafficPolicy", subset.TrafficPolicy);
        }
        LabelValidation.Check(sink, "spec.workloadSelector.matchLabels", spec.WorkloadSelector?.MatchLabels);
        ExportToValidation.Check(sink, "spec.exportTo", spec.ExportTo, selectorRule: spec.WorkloadSelector is not null);
    }

    private static void Policy(ValidationSink sink, string path, TrafficPolicy? policy)
    {
        if (policy is null) return;
        Settings(sink, path, policy.LoadBalancer, policy.ConnectionPool, policy.OutlierDetection, policy.Tls);
        for (var i = 0; i < (policy.PortLevelSettings?.Count ?? 0); i++)
        {
            var port = policy.PortLevelSettings![i];
            var at = $"{path}.portLevelSettings[{i}]";
            sink.Port($"{at}.port.number", port.Port?.Number, required: true);
            Settings(sink, at, port.LoadBalancer, port.ConnectionPool, port.OutlierDetection, port.Tls);
        }
        if (policy.Tunnel is { } tunnel)
        {
            sink.Required($"{path}.tunnel.targetHost", tunnel.TargetHost);
            sink.Port($"{path}.tunnel.targetPort", tunnel.TargetPort, required: true);
        }
        sink.Percentage($"{path}.retryBudget.percent", policy.RetryBudget?.Percent);
    }

    private static void Settings(ValidationSink sink, string path, LoadBalancerSettings? lb, ConnectionPoolSettings? pool, OutlierDetection? outlier, ClientTlsSettings? tls)
    {
        if (lb is { Simple: not null, ConsistentHash: not null }) sink.Error($"{path}.loadBalancer", "set only one of simple or consistentHash");
        if (lb?.ConsistentHash is { } hash)
        {
            var keys = new object?[] { hash.HttpHeaderName, hash.HttpCookie, hash.UseSourceIp, hash.HttpQueryParameterName }.Count(v => v is not null);
            if (keys != 1) sink.Error($"{path}.loadBalancer.consistentHash", "set exactly one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName");
            var at = $"{path}.loadBalancer.consistentHash";
            if (hash.HttpCookie is { Name: null or "" }) sink.Error($"{at}.httpCookie.name", "missing required field");
            if (hash.HttpCookie is { Ttl: null }) sink.Error($"{at}.httpCookie.ttl", "missing required field (\"0s\" makes a session cookie)");
            if (hash is { RingHash: not null, Maglev: not null }) sink.Error(at, "set only one of ringHash or maglev");
            if (hash.MinimumRingSize is > 0 && (hash.RingHash is not null || hash.Maglev is not null))
                sink.Error($"{at}.minimumRingSize", "set only one of minimumRingSize or ringHash/maglev");
            if (hash.Maglev is { } maglev && !IsMaglevTableSize(maglev.TableSize))
                sink.Error($"{at}.maglev.tableSize", $"must be a prime number below 5000011 (got {maglev.TableSize?.ToString() ?? "nothing"}; 65537 is Envoy's default)");
        }
        if (pool?.Tcp is { } tcp)
        {
            sink.NotNegative($"{path}.connectionPool.tcp.maxConnections", tcp.MaxConnections);
            sink.MinimumDuration($"{path}.connectionPool.tcp.connectTimeout", tcp.ConnectTimeout);
        }
        if (pool?.Http is { } http)
        {
            sink.NotNegative($"{path}.connectionPool.http.http1MaxPendingRequests", http.Http1MaxPendingRequests);
            sink.NotNegative($"{path}.connectionPool.http.http2MaxRequests", http.Http2MaxRequests);
            sink.NotNegative($"{path}.connectionPool.http.maxRequestsPerConnection", http.MaxRequestsPerConnection);
            sink.NotNegative($"{path}.connectionPool.http.maxRetries", http.MaxRetries);
        }
        if (outlier is not null)
        {
            sink.NotNegative($"{path}.outlierDetection.consecutiveErrors", outlier.ConsecutiveErrors);
            sink.Percentage($"{path}.outlierDetection.maxEjectionPercent", outlier.MaxEjectionPercent);
            sink.Percentage($"{path}.outlierDetection.minHealthPercent", outlier.MinHealthPercent);
            sink.MinimumDuration($"{path}.outlierDetection.interval", outlier.Interval);
            sink.MinimumDuration($"{path}.outlierDetection.baseEjectionTime", outlier.BaseEjectionTime);
        }
        if (tls is not null) ClientTlsValidation.Check(sink, $"{path}.tls", tls);
    }

    private static bool IsMaglevTableSize(long? size)
    {
        if (size is not (> 1 and < 5_000_011) || size is not { } n) return false;
        for (long d = 2; d * d <= n; d++)
            if (n % d == 0) return false;
        return true;
    }
}
