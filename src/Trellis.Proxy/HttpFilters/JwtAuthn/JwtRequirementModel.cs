namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>A compiled JwtRequirement: Envoy's tree of providers, any/all lists and the allow-missing leaves.</summary>
internal abstract record JwtRequirementModel
{
    /// <summary>A token from the provider's locations must verify with its issuer, keys and audiences.</summary>
    public sealed record Provider(int Index, IReadOnlySet<string>? Audiences) : JwtRequirementModel;

    public sealed record Any(IReadOnlyList<JwtRequirementModel> Children) : JwtRequirementModel;

    public sealed record All(IReadOnlyList<JwtRequirementModel> Children) : JwtRequirementModel;

    /// <summary>A missing token, or one of an issuer no provider is configured for, passes; a present invalid token fails.</summary>
    public sealed record AllowMissing : JwtRequirementModel;

    /// <summary>Every request passes; tokens that verify still add their payload.</summary>
    public sealed record AllowMissingOrFailed : JwtRequirementModel;
}

/// <summary>A rule of the filter: requests whose path matches are held to the requirement (null: none).</summary>
internal sealed record JwtRuleModel(string? Prefix, string? Path, JwtRequirementModel? Requirement)
{
    public bool Matches(string path) =>
        Path is not null ? string.Equals(path, Path, StringComparison.Ordinal) : path.StartsWith(Prefix!, StringComparison.Ordinal);
}
