using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>The SPIFFE identities a client accepts from a service's endpoints: those of the service accounts of every
/// pod it selects, as istiod's service account list for a service (sorted, so a push with the same pods is equal).</summary>
internal static class ServiceIdentities
{
    public static IReadOnlyList<string> For(MeshModel mesh, ServiceModel service) => mesh.Workloads
        .Where(w => w.Namespace == service.Namespace && service.Selects(w.Labels))
        .Select(w => IstioMutualTls.SpiffeId(mesh.Settings.TrustDomain, w.Namespace, w.ServiceAccount))
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList();
}
