using Google.Protobuf.WellKnownTypes;

namespace Trellis.Proxy.HttpFilters;

/// <summary>Envoy's per-request dynamic metadata: a Struct per filter namespace that one filter writes and a later
/// one reads (jwt_authn's verified payload and Istio's <c>istio_authn</c> keys such as
/// <c>request.auth.principal</c>, read by RBAC metadata matchers and access logs). Created only when a filter writes.</summary>
internal sealed class DynamicMetadata
{
    private readonly Dictionary<string, Struct> _namespaces = new(StringComparer.Ordinal);

    /// <summary>The namespace's Struct, created empty on first use.</summary>
    public Struct For(string filterNamespace)
    {
        if (!_namespaces.TryGetValue(filterNamespace, out var value)) _namespaces[filterNamespace] = value = new Struct();
        return value;
    }

    public bool TryGet(string filterNamespace, out Struct? value) => _namespaces.TryGetValue(filterNamespace, out value);
}
