namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>Where a token is looked for: a header (with a value prefix to strip), a query parameter or a cookie.
/// Several providers may share one location; a token found there may come from any of their issuers.</summary>
internal sealed record JwtLocation(JwtLocationKind Kind, string Name, string Prefix)
{
    public List<int> Providers { get; } = [];
}

internal enum JwtLocationKind { Header, Param, Cookie }
