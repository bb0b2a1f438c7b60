namespace Trellis.ControlPlane.Identity;

/// <summary>Who a workload is, as a credential proves it: its pod, in a namespace, running as a service account.</summary>
public sealed record WorkloadIdentity(string Namespace, string ServiceAccount, string Pod)
{
    /// <summary>Istio's workload identity: <c>spiffe://TRUST_DOMAIN/ns/NAMESPACE/sa/SERVICE_ACCOUNT</c>.</summary>
    public string SpiffeId(string trustDomain) => $"spiffe://{trustDomain}/ns/{Namespace}/sa/{ServiceAccount}";
}
