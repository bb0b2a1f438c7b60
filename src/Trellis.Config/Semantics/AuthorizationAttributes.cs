namespace Trellis.Config.Semantics;

/// <summary>The condition keys of Istio's "Authorization Policy Conditions", and which of them only HTTP
/// traffic carries. The validator and the translator share this list so they never disagree.</summary>
public static class AuthorizationAttributes
{
    public const string RequestHeaders = "request.headers";
    public const string SourceIp = "source.ip";
    public const string RemoteIp = "remote.ip";
    public const string SourceNamespace = "source.namespace";
    public const string SourcePrincipal = "source.principal";
    public const string SourceServiceAccount = "source.serviceAccount";
    public const string SourceTrustDomain = "source.trustDomain";
    public const string RequestPrincipal = "request.auth.principal";
    public const string RequestAudiences = "request.auth.audiences";
    public const string RequestPresenter = "request.auth.presenter";
    public const string RequestClaims = "request.auth.claims";
    public const string DestinationIp = "destination.ip";
    public const string DestinationPort = "destination.port";
    public const string ConnectionSni = "connection.sni";
    public const string ExperimentalEnvoyFilters = "experimental.envoy.filters.";

    /// <summary>Keys written as they are; the bracketed ones (headers, claims) are in <see cref="Bracketed"/>.</summary>
    public static IReadOnlyList<string> Plain { get; } =
    [
        SourceIp, RemoteIp, SourceNamespace, SourcePrincipal, SourceServiceAccount, SourceTrustDomain, RequestPrincipal,
        RequestAudiences, RequestPresenter, DestinationIp, DestinationPort, ConnectionSni,
    ];

    public static IReadOnlyList<string> Bracketed { get; } = [RequestHeaders, RequestClaims];

    /// <summary>Every key form, for suggestions.</summary>
    public static IEnumerable<string> AllForms => Plain.Concat(Bracketed.Select(b => b + "[NAME]"));

    /// <summary>Null when the key is known and well formed; otherwise why not.</summary>
    public static string? Problem(string key)
    {
        if (Plain.Contains(key, StringComparer.Ordinal)) return null;
        foreach (var prefix in Bracketed)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            return BracketNames(key[prefix.Length..]) is null ? $"bad key \"{key}\": expected {prefix}[NAME]" : null;
        }
        if (key.StartsWith(ExperimentalEnvoyFilters, StringComparison.Ordinal))
        {
            var open = key.IndexOf('[');
            return key.EndsWith(']') && open > 0 && open < key.Length - 2 ? null : $"bad key \"{key}\": expected experimental.envoy.filters.FILTER[KEY]";
        }
        return key switch
        {
            "destination.namespace" => "the attribute destination.namespace is replaced by the policy's metadata.namespace",
            _ when key.StartsWith("destination.labels", StringComparison.Ordinal) => $"the attribute {key} is replaced by the workload selector",
            "destination.name" or "destination.user" => $"the attribute {key} was only supported in v1alpha1",
            _ => $"unknown condition key \"{key}\"{DidYouMean.Hint(key, AllForms)}",
        };
    }

    /// <summary>The names in "[a]" or "[a][b]..." (nested claims), or null when malformed.</summary>
    public static IReadOnlyList<string>? BracketNames(string brackets)
    {
        var names = new List<string>();
        var i = 0;
        while (i < brackets.Length)
        {
            if (brackets[i] != '[') return null;
            var close = brackets.IndexOf(']', i + 1);
            if (close < 0 || close == i + 1 || brackets.AsSpan(i + 1, close - i - 1).Contains('[')) return null;
            names.Add(brackets[(i + 1)..close]);
            i = close + 1;
        }
        return names.Count > 0 ? names : null;
    }

    /// <summary>Keys only HTTP requests carry (headers, JWT attributes); at L4 a rule cannot test them.</summary>
    public static bool IsHttpOnly(string key) =>
        key.StartsWith(RequestHeaders, StringComparison.Ordinal) || key.StartsWith("request.auth.", StringComparison.Ordinal);
}
