using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Authorization;

/// <summary>header: Envoy's HeaderMatcher over the request's headers (pseudo-headers included, repeated values joined
/// by ","). A connection has no headers, so at L4 the header counts as absent, as against Envoy's empty header map.</summary>
internal sealed class HeaderRule(HeaderMatch header) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input) =>
        input.Request is { } request ? header.Matches(request) : header.Matches((string?)null);
}

/// <summary>url_path: the path without query and fragment. A connection has no path, so it never matches.</summary>
internal sealed class UrlPathRule(StringMatch path) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input) => input.Path is { } value && path.Matches(value);
}

/// <summary>requested_server_name: the SNI, empty when the client sent none.</summary>
internal sealed class ServerNameRule(StringMatch name) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input) => name.Matches(input.ServerName);
}
