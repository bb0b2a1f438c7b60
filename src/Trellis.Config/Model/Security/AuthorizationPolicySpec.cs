using Trellis.Config.Loading;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Model.Security;

/// <summary>Istio AuthorizationPolicy (security.istio.io v1/v1beta1): who may do what on the selected workloads.</summary>
public sealed record AuthorizationPolicySpec
{
    public const string Allow = "ALLOW";
    public const string Deny = "DENY";
    public const string Audit = "AUDIT";
    public const string Custom = "CUSTOM";

    public WorkloadSelector? Selector { get; init; }
    public PolicyTargetReference? TargetRef { get; init; }
    public IReadOnlyList<PolicyTargetReference>? TargetRefs { get; init; }
    public IReadOnlyList<AuthorizationRule>? Rules { get; init; }

    /// <summary>ALLOW when unset, as in Istio.</summary>
    [OneOf(Allow, Deny, Audit, Custom)] public string? Action { get; init; }

    /// <summary>The mesh config extensionProvider a CUSTOM policy delegates to.</summary>
    public ExtensionProviderRef? Provider { get; init; }

    public string EffectiveAction => Action ?? Allow;
}

public sealed record ExtensionProviderRef
{
    public string? Name { get; init; }
}

/// <summary>One rule: it matches when any source, any operation and every condition match. Absent parts match everything.</summary>
public sealed record AuthorizationRule
{
    public IReadOnlyList<RuleFrom>? From { get; init; }
    public IReadOnlyList<RuleTo>? To { get; init; }
    public IReadOnlyList<Condition>? When { get; init; }
}

public sealed record RuleFrom
{
    public Source? Source { get; init; }
}

public sealed record RuleTo
{
    public Operation? Operation { get; init; }
}

/// <summary>The peer and request identity a rule matches; every set field must match.</summary>
public sealed record Source
{
    public IReadOnlyList<string>? Principals { get; init; }
    public IReadOnlyList<string>? NotPrincipals { get; init; }
    public IReadOnlyList<string>? RequestPrincipals { get; init; }
    public IReadOnlyList<string>? NotRequestPrincipals { get; init; }
    public IReadOnlyList<string>? Namespaces { get; init; }
    public IReadOnlyList<string>? NotNamespaces { get; init; }
    public IReadOnlyList<string>? IpBlocks { get; init; }
    public IReadOnlyList<string>? NotIpBlocks { get; init; }
    public IReadOnlyList<string>? RemoteIpBlocks { get; init; }
    public IReadOnlyList<string>? NotRemoteIpBlocks { get; init; }
    public IReadOnlyList<string>? ServiceAccounts { get; init; }
    public IReadOnlyList<string>? NotServiceAccounts { get; init; }
}

/// <summary>The request a rule matches; every set field must match.</summary>
public sealed record Operation
{
    public IReadOnlyList<string>? Hosts { get; init; }
    public IReadOnlyList<string>? NotHosts { get; init; }
    public IReadOnlyList<string>? Ports { get; init; }
    public IReadOnlyList<string>? NotPorts { get; init; }
    public IReadOnlyList<string>? Methods { get; init; }
    public IReadOnlyList<string>? NotMethods { get; init; }
    public IReadOnlyList<string>? Paths { get; init; }
    public IReadOnlyList<string>? NotPaths { get; init; }
}

/// <summary>An attribute condition (Istio's "Authorization Policy Conditions"): the key's value is one of
/// <see cref="Values"/> and none of <see cref="NotValues"/>.</summary>
public sealed record Condition
{
    public string? Key { get; init; }
    public IReadOnlyList<string>? Values { get; init; }
    public IReadOnlyList<string>? NotValues { get; init; }
}
