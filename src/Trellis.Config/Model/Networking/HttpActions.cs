using System.Collections.Immutable;
using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>An HTTP redirect sent instead of forwarding.</summary>
public sealed record HttpRedirect
{
    public string? Uri { get; init; }
    public string? Authority { get; init; }
    public int? Port { get; init; }
    [OneOf("FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT")] public string? DerivePort { get; init; }
    public string? Scheme { get; init; }
    public int? RedirectCode { get; init; }
}

/// <summary>A fixed response sent instead of forwarding.</summary>
public sealed record HttpDirectResponse
{
    public int? Status { get; init; }
    public HttpBody? Body { get; init; }
}

/// <summary>The body of a direct response: text or base64 bytes.</summary>
public sealed record HttpBody
{
    public string? String { get; init; }
    public string? Bytes { get; init; }
}

/// <summary>Rewrites the path and/or authority before forwarding.</summary>
public sealed record HttpRewrite
{
    public string? Uri { get; init; }
    public string? Authority { get; init; }
    public RegexRewrite? UriRegexRewrite { get; init; }
}

/// <summary>A regex path rewrite.</summary>
public sealed record RegexRewrite
{
    [RegexField] public string? Match { get; init; }
    public string? Rewrite { get; init; }
}

/// <summary>Retry policy of a route.</summary>
public sealed record HttpRetry
{
    public int? Attempts { get; init; }
    public TimeSpan? PerTryTimeout { get; init; }
    public string? RetryOn { get; init; }
    public bool? RetryRemoteLocalities { get; init; }
    public bool? RetryIgnorePreviousHosts { get; init; }
    public TimeSpan? Backoff { get; init; }
}

/// <summary>Faults injected on a route: delays and aborts.</summary>
public sealed record HttpFaultInjection
{
    public FaultDelay? Delay { get; init; }
    public FaultAbort? Abort { get; init; }
}

/// <summary>A delay injected before forwarding.</summary>
public sealed record FaultDelay
{
    public TimeSpan? FixedDelay { get; init; }
    public TimeSpan? ExponentialDelay { get; init; }
    public Percent? Percentage { get; init; }
    [Deprecated("use percentage")] public int? Percent { get; init; }
}

/// <summary>An error returned instead of forwarding.</summary>
public sealed record FaultAbort
{
    public int? HttpStatus { get; init; }
    public string? GrpcStatus { get; init; }
    public string? Http2Error { get; init; }
    public Percent? Percentage { get; init; }
}

/// <summary>A mirror target with its own percentage.</summary>
public sealed record HttpMirrorPolicy
{
    public Destination? Destination { get; init; }
    public Percent? Percentage { get; init; }
}

/// <summary>CORS policy of a route.</summary>
public sealed record CorsPolicy
{
    public IReadOnlyList<StringMatch>? AllowOrigins { get; init; }
    [Deprecated("use allowOrigins")] public IReadOnlyList<string>? AllowOrigin { get; init; }
    public IReadOnlyList<string>? AllowMethods { get; init; }
    public IReadOnlyList<string>? AllowHeaders { get; init; }
    public IReadOnlyList<string>? ExposeHeaders { get; init; }
    public TimeSpan? MaxAge { get; init; }
    public bool? AllowCredentials { get; init; }
    [OneOf("UNSPECIFIED", "FORWARD", "IGNORE")] public string? UnmatchedPreflights { get; init; }
}

/// <summary>Request and response header operations.</summary>
public sealed record Headers
{
    public HeaderOperations? Request { get; init; }
    public HeaderOperations? Response { get; init; }
}

/// <summary>Headers to set (overwrite), add (append) and remove.</summary>
public sealed record HeaderOperations
{
    public ImmutableDictionary<string, string>? Set { get; init; }
    public ImmutableDictionary<string, string>? Add { get; init; }
    public IReadOnlyList<string>? Remove { get; init; }
}
