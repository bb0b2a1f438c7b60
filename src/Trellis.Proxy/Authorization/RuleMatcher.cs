namespace Trellis.Proxy.Authorization;

/// <summary>One compiled node of an RBAC Permission or Principal tree. Built once per configuration push and
/// immutable, so requests evaluate it without locks or allocation.</summary>
internal abstract class RuleMatcher
{
    public abstract bool Matches(in AuthorizationInput input);

    /// <summary>Whether this rule (or a rule under it) needs the x-forwarded-for client address, which costs a header parse.</summary>
    public virtual bool NeedsRemoteIp => false;
}

/// <summary>and_rules / and_ids: every child matches.</summary>
internal sealed class AllOf(RuleMatcher[] children) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input)
    {
        foreach (var child in children)
            if (!child.Matches(input)) return false;
        return true;
    }

    public override bool NeedsRemoteIp => children.Any(c => c.NeedsRemoteIp);
}

/// <summary>or_rules / or_ids, and a policy's permissions or principals: some child matches.</summary>
internal sealed class AnyOf(RuleMatcher[] children) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input)
    {
        foreach (var child in children)
            if (child.Matches(input)) return true;
        return false;
    }

    public override bool NeedsRemoteIp => children.Any(c => c.NeedsRemoteIp);
}

/// <summary>not_rule / not_id.</summary>
internal sealed class Not(RuleMatcher inner) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input) => !inner.Matches(input);

    public override bool NeedsRemoteIp => inner.NeedsRemoteIp;
}

/// <summary>any: true.</summary>
internal sealed class Always : RuleMatcher
{
    public static readonly Always Instance = new();

    public override bool Matches(in AuthorizationInput input) => true;
}
