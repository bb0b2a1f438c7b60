using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>Whether a client should originate Istio mutual TLS to an endpoint, decided per endpoint and port as
/// istiod's EDS does: the pod runs a sidecar (its <c>security.istio.io/tlsMode</c> label, else what the workload
/// source knows), and its PeerAuthentication does not DISABLE mutual TLS on the port the traffic reaches.</summary>
internal static class EndpointTlsMode
{
    public const string TlsModeLabel = "security.istio.io/tlsMode";

    public static bool AcceptsIstioMutualTls(MeshModel mesh, WorkloadModel workload, int targetPort)
    {
        var tlsMode = workload.Labels.TryGetValue(TlsModeLabel, out var label) ? label
            : workload.HasSidecar ? AutoMtls.IstioTlsMode : AutoMtls.DisabledTlsMode;
        return tlsMode == AutoMtls.IstioTlsMode
               && mesh.PeerAuthentications.For(workload.Namespace, workload.Labels).ForPort(targetPort).Mode != MutualTlsMode.Disable;
    }
}
