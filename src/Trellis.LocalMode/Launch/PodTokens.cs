using Trellis.ControlPlane.Identity;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>Local mode's stand-in for the kubelet's projected service-account tokens: each proxy's pod token, signed
/// with the control plane's key, written into the pod's secrets folder before the proxy starts and rewritten well
/// before it expires.</summary>
internal sealed class PodTokens(MeshHome home, PodTokenAuthority authority)
{
    /// <summary>Rewritten at a third of their life, so a proxy that reads one never holds an expired token.</summary>
    public static readonly TimeSpan RefreshInterval = PodTokenAuthority.Lifetime / 3;

    public void Write(string ns, string serviceAccount, string pod) =>
        SecretFile.Write(home.PodTokenPath(ns, pod), authority.Issue(new WorkloadIdentity(ns, serviceAccount, pod)));

    /// <summary>Rewrites the tokens of <paramref name="pods"/> and the gateway every <see cref="RefreshInterval"/> until cancelled.</summary>
    public async Task RefreshAsync(Func<IEnumerable<PodState>> pods, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            WriteGateway();
            foreach (var pod in pods())
            {
                // A pod that is gone has no secrets folder left to write into; its next start writes a fresh token.
                if (Directory.Exists(home.PodSecretsDirectory(pod.Namespace, pod.Name))) Write(pod.Namespace, pod.ServiceAccount, pod.Name);
            }
        }
    }

    public void WriteGateway() => Write(ProxyLaunch.GatewayNamespace, ProxyLaunch.GatewayServiceAccount, ProxyLaunch.GatewayName);
}
