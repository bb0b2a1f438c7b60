using Trellis.Config.Loading;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of VirtualService that a field-by-field bind cannot express.</summary>
internal static class VirtualServiceValidator
{
    public static void Validate(ValidationSink sink, VirtualServiceSpec spec)
    {
        var isDelegate = spec.Hosts is not { Count: > 0 };
        if (isDelegate) Delegate(sink, spec);
        else for (var i = 0; i < spec.Hosts!.Count; i++) HostValidation.Check(sink, $"spec.hosts[{i}]", spec.Hosts[i]);
        if (spec.Http is not { Count: > 0 } && spec.Tcp is not { Count: > 0 } && spec.Tls is not { Count: > 0 })
            sink.Error("spec", "a VirtualService needs http, tcp or tls routes");
        for (var i = 0; i < (spec.Gateways?.Count ?? 0); i++) GatewayReference(sink, $"spec.gateways[{i}]", spec.Gateways![i]);
        ExportToValidation.Check(sink, "spec.exportTo", spec.ExportTo);
        for (var i = 0; i < (spec.Http?.Count ?? 0); i++)
        {
            HttpRouteValidator.Validate(sink, $"spec.http[{i}]", spec.Http![i]);
            if (isDelegate && spec.Http[i].Delegate is not null)
                sink.Error($"spec.http[{i}].delegate", "a delegate VirtualService (one without hosts) cannot delegate again: Istio supports one level of delegation");
            if (spec.Http[i].Fault is { } fault) FaultKinds(sink, $"spec.http[{i}].fault", fault);
        }
        for (var i = 0; i < (spec.Tcp?.Count ?? 0); i++) Weights(sink, $"spec.tcp[{i}]", spec.Tcp![i].Route);
        for (var i = 0; i < (spec.Tls?.Count ?? 0); i++)
        {
            var route = spec.Tls![i];
            if (route.Match is not { Count: > 0 }) sink.Error($"spec.tls[{i}].match", "a TLS route needs at least one match with sniHosts");
            else TlsMatches(sink, $"spec.tls[{i}]", route.Match, spec.Hosts ?? []);
            if (route.Route is not { Count: > 0 }) sink.Error($"spec.tls[{i}].route", "a TLS route needs at least one destination");
            Weights(sink, $"spec.tls[{i}]", route.Route);
        }
    }

    /// <summary>A VirtualService without hosts is a delegate: its HTTP rules are merged into the root rules that name it,
    /// so it has nothing of its own to bind to gateways or to route by TCP or TLS (istiod's ValidateVirtualService).</summary>
    private static void Delegate(ValidationSink sink, VirtualServiceSpec spec)
    {
        if (spec.Gateways is { Count: > 0 }) sink.Error("spec.gateways", "a delegate VirtualService (one without hosts) must have no gateways: the root VirtualService binds them");
        if (spec.Tls is { Count: > 0 }) sink.Error("spec.tls", "a delegate VirtualService (one without hosts) must have no tls routes: only HTTP rules are delegated");
        if (spec.Tcp is { Count: > 0 }) sink.Error("spec.tcp", "a delegate VirtualService (one without hosts) must have no tcp routes: only HTTP rules are delegated");
    }

    /// <summary>Istio's validateTLSMatch: every match names SNI hosts, each one within the VirtualService's hosts
    /// (the gateway server's hosts are checked when the gateway is translated).</summary>
    private static void TlsMatches(ValidationSink sink, string path, IReadOnlyList<TlsMatchAttributes> matches, IReadOnlyList<string> hosts)
    {
        for (var m = 0; m < matches.Count; m++)
        {
            var match = matches[m];
            var at = $"{path}.match[{m}]";
            sink.Port($"{at}.port", match.Port);
            if (match.SniHosts is not { Count: > 0 } sni)
            {
                sink.Error($"{at}.sniHosts", "a TLS match needs at least one SNI host");
                continue;
            }
            for (var s = 0; s < sni.Count; s++)
            {
                HostValidation.Check(sink, $"{at}.sniHosts[{s}]", sni[s]);
                if (hosts.Count > 0 && !hosts.Any(h => HostName.Overlaps(h, sni[s])))
                    sink.Error($"{at}.sniHosts[{s}]", $"SNI host \"{sni[s]}\" is not one of the VirtualService's hosts [{string.Join(", ", hosts)}]{DidYouMean.Hint(sni[s], hosts)}");
            }
            for (var g = 0; g < (match.Gateways?.Count ?? 0); g++) GatewayReference(sink, $"{at}.gateways[{g}]", match.Gateways![g]);
        }
    }

    public static void GatewayReference(ValidationSink sink, string path, string gateway)
    {
        if (gateway == "mesh") return;
        var parts = gateway.Split('/');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || Names.Dns1123Subdomain(p) is not null))
            sink.Error(path, $"invalid gateway reference \"{gateway}\": use \"mesh\", \"name\" or \"namespace/name\"");
    }

    /// <summary>The kinds of fault Istio can inject: a fixed delay, an HTTP or a gRPC abort (its
    /// validateHTTPFaultInjectionAbort/Delay reject the rest). Ranges, percentages and the one-of rules
    /// are checked with the rest of the route by <see cref="HttpRouteValidator"/>.</summary>
    private static void FaultKinds(ValidationSink sink, string path, HttpFaultInjection fault)
    {
        if (fault.Delay?.ExponentialDelay is not null)
            sink.Error($"{path}.delay.exponentialDelay", "exponentialDelay is not supported (by Istio either): use fixedDelay");
        if (fault.Abort?.Http2Error is not null)
            sink.Error($"{path}.abort.http2Error", "HTTP/2 abort fault injection is not supported (by Istio either): use httpStatus or grpcStatus");
        if (fault.Abort?.GrpcStatus is { } grpc && !GrpcStatusCodes.ByName.ContainsKey(grpc))
            sink.Error($"{path}.abort.grpcStatus",
                $"gRPC status \"{grpc}\" is not supported: use a status name such as NOT_FOUND or UNAVAILABLE (one of {string.Join(", ", GrpcStatusCodes.ByName.OrderBy(p => p.Value).Select(p => p.Key))})");
    }

    private static void Weights(ValidationSink sink, string path, IReadOnlyList<RouteDestination>? route)
    {
        if (route is not { Count: > 0 })
        {
            sink.Error($"{path}.route", "a route needs at least one destination");
            return;
        }
        for (var j = 0; j < route.Count; j++)
        {
            sink.Required($"{path}.route[{j}].destination.host", route[j].Destination?.Host);
            sink.Port($"{path}.route[{j}].destination.port.number", route[j].Destination?.Port?.Number);
        }
        WeightRules.Check(sink, $"{path}.route", route.Select(r => r.Weight).ToList());
    }
}

/// <summary>Istio's weight rules: each weight 0-100; one destination without a weight gets 100; several must sum to 100.</summary>
internal static class WeightRules
{
    public static void Check(ValidationSink sink, string routePath, IReadOnlyList<int?> weights)
    {
        var valid = true;
        for (var i = 0; i < weights.Count; i++)
        {
            if (weights[i] is < 0 or > 100)
            {
                sink.Error(FieldPath.Index(routePath, i) + ".weight", $"weight {weights[i]} is out of range (0-100)");
                valid = false;
            }
        }
        if (!valid) return;
        if (weights.Count == 1)
        {
            if (weights[0] is { } w and not 100 and not 0)
                sink.Error($"{routePath}[0].weight", $"total destination weight {w} != 100 (a single destination takes all traffic: omit the weight or set 100)");
            return;
        }
        var total = weights.Sum(w => w ?? 0);
        if (total != 100) sink.Error(routePath, $"total destination weight {total} != 100");
    }
}
