using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>One HTTP rule of a VirtualService: its action, matches, destinations, weights, retries, faults and mirrors.</summary>
internal static class HttpRouteValidator
{
    public static void Validate(ValidationSink sink, string path, HttpRoute http)
    {
        Action(sink, path, http);
        for (var i = 0; i < (http.Match?.Count ?? 0); i++) Match(sink, $"{path}.match[{i}]", http.Match![i]);
        if (http.Route is { Count: > 0 } route)
        {
            for (var j = 0; j < route.Count; j++) Destination(sink, $"{path}.route[{j}].destination", route[j].Destination);
            WeightRules.Check(sink, $"{path}.route", route.Select(r => r.Weight).ToList());
        }
        sink.MinimumDuration($"{path}.timeout", http.Timeout);
        if (http.Retries is { } retries) Retries(sink, $"{path}.retries", retries);
        if (http.Fault is { } fault) Fault(sink, $"{path}.fault", fault);
        if (http.Mirror is not null) Destination(sink, $"{path}.mirror", http.Mirror);
        if (http.Mirror is not null && http.Mirrors is { Count: > 0 }) sink.Error($"{path}.mirrors", "set mirror or mirrors, not both (Istio refuses both)");
        sink.Percentage($"{path}.mirrorPercentage.value", http.MirrorPercentage?.Value);
        for (var i = 0; i < (http.Mirrors?.Count ?? 0); i++)
        {
            Destination(sink, $"{path}.mirrors[{i}].destination", http.Mirrors![i].Destination);
            sink.Percentage($"{path}.mirrors[{i}].percentage.value", http.Mirrors[i].Percentage?.Value);
        }
        for (var i = 0; i < (http.CorsPolicy?.AllowOrigins?.Count ?? 0); i++)
            StringMatchValidation.Check(sink, $"{path}.corsPolicy.allowOrigins[{i}]", http.CorsPolicy!.AllowOrigins![i]);
        if (http.Redirect?.RedirectCode is { } code && code is not (301 or 302 or 303 or 307 or 308))
            sink.Error($"{path}.redirect.redirectCode", $"redirect code {code} is not a redirect (use 301, 302, 303, 307 or 308)");
        if (http.Redirect?.Port is { } port) sink.Port($"{path}.redirect.port", port);
        if (http.DirectResponse is { } direct && direct.Status is not (>= 200 and <= 599))
            sink.Error($"{path}.directResponse.status", $"status {direct.Status?.ToString() ?? "(missing)"} must be an HTTP status 200-599");
    }

    /// <summary>Istio's checks of HTTPRetry: retryOn names Envoy retry conditions or HTTP status codes, and a
    /// policy with zero (or no) attempts is disabled, so setting anything else on it is a mistake.</summary>
    private static void Retries(ValidationSink sink, string path, HttpRetry retries)
    {
        sink.NotNegative($"{path}.attempts", retries.Attempts);
        sink.MinimumDuration($"{path}.perTryTimeout", retries.PerTryTimeout);
        sink.MinimumDuration($"{path}.backoff", retries.Backoff);
        if (retries.Attempts is null or 0 && (retries.PerTryTimeout is not null || retries.RetryOn is not null || retries.RetryRemoteLocalities is not null))
            sink.Error($"{path}.attempts", "retries are disabled when attempts is 0 or unset, yet perTryTimeout, retryOn or retryRemoteLocalities is set; set attempts");
        if (retries.RetryOn is not { } retryOn) return;
        foreach (var token in RetryOnConditions.Tokens(retryOn))
        {
            if (RetryOnConditions.IsKnown(token)) continue;
            var trimmed = token.Trim();
            var hint = trimmed != token && RetryOnConditions.IsKnown(trimmed)
                ? "; write the conditions separated by commas without spaces"
                : DidYouMean.Hint(token, RetryOnConditions.Http.Concat(RetryOnConditions.Grpc));
            sink.Error($"{path}.retryOn", $"\"{token}\" is not a valid retryOn policy (an Envoy retry condition or an HTTP status code){hint}");
        }
    }

    private static void Action(ValidationSink sink, string path, HttpRoute http)
    {
        var actions = new (string Name, bool Set)[]
        {
            ("route", http.Route is { Count: > 0 }), ("redirect", http.Redirect is not null),
            ("directResponse", http.DirectResponse is not null), ("delegate", http.Delegate is not null),
        };
        var set = actions.Where(a => a.Set).Select(a => a.Name).ToList();
        if (set.Count == 0) sink.Error(path, "an HTTP route needs one of route, redirect, directResponse or delegate");
        else if (set.Count > 1) sink.Error(path, $"an HTTP route may have only one of route, redirect, directResponse or delegate, not {string.Join(" and ", set)}");
        if (http.Delegate is { } reference)
        {
            sink.Required($"{path}.delegate.name", reference.Name);
            if (reference.Name is { Length: > 0 } name && Names.Dns1123Subdomain(name) is { } nameProblem) sink.Error($"{path}.delegate.name", nameProblem);
            if (reference.Namespace is { Length: > 0 } ns && Names.Dns1123Label(ns) is { } nsProblem) sink.Error($"{path}.delegate.namespace", nsProblem);
        }
        if (http.Rewrite is not null && http.Redirect is not null) sink.Error($"{path}.rewrite", "rewrite cannot be combined with redirect");
        if (http.Rewrite is { Uri: not null, UriRegexRewrite: not null }) sink.Error($"{path}.rewrite", "set only one of uri or uriRegexRewrite");
    }

    private static void Match(ValidationSink sink, string path, HttpMatchRequest match)
    {
        StringMatchValidation.Check(sink, $"{path}.uri", match.Uri);
        StringMatchValidation.Check(sink, $"{path}.scheme", match.Scheme);
        StringMatchValidation.Check(sink, $"{path}.method", match.Method);
        StringMatchValidation.Check(sink, $"{path}.authority", match.Authority);
        StringMatchValidation.CheckMap(sink, $"{path}.headers", match.Headers);
        StringMatchValidation.CheckMap(sink, $"{path}.queryParams", match.QueryParams);
        StringMatchValidation.CheckMap(sink, $"{path}.withoutHeaders", match.WithoutHeaders);
        sink.Port($"{path}.port", match.Port);
        LabelValidation.Check(sink, $"{path}.sourceLabels", match.SourceLabels);
        for (var i = 0; i < (match.Gateways?.Count ?? 0); i++)
            VirtualServiceValidator.GatewayReference(sink, $"{path}.gateways[{i}]", match.Gateways![i]);
    }

    private static void Destination(ValidationSink sink, string path, Destination? destination)
    {
        if (destination is null)
        {
            sink.Error(path, "missing required field");
            return;
        }
        sink.Required($"{path}.host", destination.Host);
        if (destination.Host is { Length: > 0 } host) HostValidation.Check(sink, $"{path}.host", host);
        if (destination.Subset is { } subset && Names.Dns1123Label(subset) is { } problem) sink.Error($"{path}.subset", problem);
        if (destination.Port is not null) sink.Port($"{path}.port.number", destination.Port.Number, required: true);
    }

    private static void Fault(ValidationSink sink, string path, HttpFaultInjection fault)
    {
        if (fault.Delay is null && fault.Abort is null) sink.Error(path, "a fault needs a delay or an abort");
        if (fault.Delay is { } delay)
        {
            if (delay.FixedDelay is null && delay.ExponentialDelay is null) sink.Error($"{path}.delay", "set fixedDelay");
            sink.MinimumDuration($"{path}.delay.fixedDelay", delay.FixedDelay);
            sink.Percentage($"{path}.delay.percentage.value", delay.Percentage?.Value);
            sink.Percentage($"{path}.delay.percent", delay.Percent);
        }
        if (fault.Abort is { } abort)
        {
            var kinds = new object?[] { abort.HttpStatus, abort.GrpcStatus, abort.Http2Error }.Count(v => v is not null);
            if (kinds != 1) sink.Error($"{path}.abort", "set exactly one of httpStatus, grpcStatus or http2Error");
            if (abort.HttpStatus is { } status && status is not (>= 200 and <= 599))
                sink.Error($"{path}.abort.httpStatus", $"status {status} must be an HTTP status 200-599");
            sink.Percentage($"{path}.abort.percentage.value", abort.Percentage?.Value);
        }
    }
}
