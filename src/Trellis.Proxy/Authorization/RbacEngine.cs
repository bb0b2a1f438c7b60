using Envoy.Config.Rbac.V3;

namespace Trellis.Proxy.Authorization;

/// <summary>The outcome of one RBAC evaluation: whether the request may go on, which policy matched (the first by
/// name, as Envoy iterates its ordered map), and whether a LOG policy asked for the request to be logged.</summary>
internal readonly record struct RbacDecision(bool Allowed, string? MatchedPolicy, bool LogHint);

/// <summary>A compiled envoy.config.rbac.v3.RBAC with Envoy's semantics: ALLOW allows only requests some policy
/// matches; DENY denies exactly those; LOG never blocks and marks the matched ones for the access log. A policy
/// matches when some permission and some principal match.</summary>
internal sealed class RbacEngine
{
    private readonly Policy[] _policies;

    public RbacEngine(RBAC.Types.Action action, IEnumerable<(string Name, RuleMatcher Permissions, RuleMatcher Principals)> policies)
    {
        Action = action;
        _policies = policies.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new Policy(p.Name, p.Permissions, p.Principals)).ToArray();
        NeedsRemoteIp = _policies.Any(p => p.Permissions.NeedsRemoteIp || p.Principals.NeedsRemoteIp);
    }

    public RBAC.Types.Action Action { get; }

    /// <summary>Some rule reads remote_ip, so callers work out the x-forwarded-for client first.</summary>
    public bool NeedsRemoteIp { get; }

    public IReadOnlyList<string> PolicyNames => _policies.Select(p => p.Name).ToArray();

    public RbacDecision Evaluate(in AuthorizationInput input)
    {
        string? matched = null;
        foreach (var policy in _policies)
        {
            if (policy.Permissions.Matches(input) && policy.Principals.Matches(input))
            {
                matched = policy.Name;
                break;
            }
        }
        return Action switch
        {
            RBAC.Types.Action.Allow => new RbacDecision(matched is not null, matched, false),
            RBAC.Types.Action.Deny => new RbacDecision(matched is null, matched, false),
            _ => new RbacDecision(true, matched, matched is not null),
        };
    }

    private sealed record Policy(string Name, RuleMatcher Permissions, RuleMatcher Principals);
}
