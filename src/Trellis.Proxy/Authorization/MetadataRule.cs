using Google.Protobuf.WellKnownTypes;

namespace Trellis.Proxy.Authorization;

/// <summary>metadata: Envoy's MetadataMatcher over the request's dynamic metadata: the value at <c>path</c> (keys
/// into nested Structs) in the <c>filter</c> namespace, such as istio_authn's request.auth.principal or
/// [request.auth.claims, groups]. A missing value matches nothing; <c>invert</c> flips the result.</summary>
internal sealed class MetadataRule(string filter, string[] path, ValueMatch value, bool invert) : RuleMatcher
{
    public override bool Matches(in AuthorizationInput input) => value.Matches(Lookup(input)) != invert;

    private Value? Lookup(in AuthorizationInput input)
    {
        if (input.Metadata is null || !input.Metadata.TryGet(filter, out var root) || root is null) return null;
        Value? current = null;
        var fields = root;
        foreach (var key in path)
        {
            if (fields is null || !fields.Fields.TryGetValue(key, out current)) return null;
            fields = current.KindCase == Value.KindOneofCase.StructValue ? current.StructValue : null;
        }
        return current;
    }
}
