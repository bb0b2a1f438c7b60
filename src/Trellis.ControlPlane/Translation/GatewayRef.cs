namespace Trellis.ControlPlane.Translation;

/// <summary>VirtualService `gateways:` entries: "mesh", "name" (same namespace) or "namespace/name".</summary>
internal static class GatewayRef
{
    public const string Mesh = "mesh";

    public static string Normalize(string reference, string vsNamespace) =>
        reference == Mesh ? Mesh : reference.Contains('/') ? reference : $"{vsNamespace}/{reference}";

    /// <summary>Istio: a VirtualService without `gateways` applies to the mesh only.</summary>
    public static IReadOnlyList<string> Bound(IReadOnlyList<string>? gateways, string vsNamespace) =>
        gateways is { Count: > 0 } ? gateways.Select(g => Normalize(g, vsNamespace)).ToList() : [Mesh];
}
