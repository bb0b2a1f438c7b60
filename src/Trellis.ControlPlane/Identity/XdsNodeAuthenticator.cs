using System.Collections.Concurrent;
using Grpc.Core;
using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Identity;

/// <summary>Who may be served as which xDS node. A sidecar or gateway node must present its pod token, and the node it
/// announces (id, NAMESPACE, NAME, SERVICE_ACCOUNT) must be the pod the token proves: a forged node id is refused.
/// Proxyless gRPC clients (which cannot send call credentials) may connect without one, as to istiod's plaintext
/// port: they are served outbound routing only, never secrets or an identity, and never as a pod that runs a sidecar
/// or under a node id an authenticated proxy uses, so an anonymous client cannot take a sidecar's place before or
/// while it connects.</summary>
internal sealed class XdsNodeAuthenticator(PodTokenAuthority tokens, IWorkloadSource workloads) : IXdsClientAuthenticator
{
    private readonly ConcurrentDictionary<string, int> _authenticatedIds = new(StringComparer.Ordinal);

    public XdsClientIdentity Authenticate(NodeInfo node, ServerCallContext context)
    {
        var token = CallerCredential.BearerToken(context);
        var proxy = ProxyNode.From(node.Id, node.Metadata, node.Labels);
        if (token is null)
        {
            if (proxy.Kind != ProxyKind.ProxylessGrpc)
                throw Refuse(StatusCode.Unauthenticated, $"a {proxy.Kind} node must present its pod token (`authorization: Bearer TOKEN`)");
            if (_authenticatedIds.ContainsKey(node.Id))
                throw Refuse(StatusCode.PermissionDenied, $"node id {node.Id} belongs to an authenticated proxy");
            if (ClaimsSidecarPod(node, proxy) is { } pod)
                throw Refuse(StatusCode.PermissionDenied, $"pod {pod.Namespace}/{pod.PodName} runs a sidecar: only that sidecar, with its pod token, may connect as it");
            return XdsClientIdentity.Anonymous;
        }

        var identity = CallerCredential.Authenticate(context, tokens);
        Require(proxy.Namespace == identity.Namespace, $"the node's namespace {proxy.Namespace} is not the token's {identity.Namespace}");
        Require(proxy.PodName == identity.Pod, $"the node's pod {proxy.PodName} is not the token's {identity.Pod}");
        if (node.IstioId is { } istio) Require(istio.Namespace == identity.Namespace, $"the node id's namespace {istio.Namespace} is not the token's {identity.Namespace}");
        if (node.Metadata.TryGetValue("NAME", out var name)) Require(name == identity.Pod, $"the node's NAME {name} is not the token's pod {identity.Pod}");
        if (node.Metadata.TryGetValue("SERVICE_ACCOUNT", out var sa))
            Require(sa == identity.ServiceAccount, $"the node's SERVICE_ACCOUNT {sa} is not the token's {identity.ServiceAccount}");
        _authenticatedIds.AddOrUpdate(node.Id, 1, (_, n) => n + 1);
        return new XdsClientIdentity(identity.Namespace, identity.ServiceAccount, identity.Pod) { ExpiresAt = tokens.ExpiryOf(token) };
    }

    /// <summary>The sidecar-injected pod the node's id or metadata names, if any.</summary>
    private WorkloadModel? ClaimsSidecarPod(NodeInfo node, ProxyNode proxy)
    {
        var names = new HashSet<(string, string)> { (proxy.Namespace, proxy.PodName) };
        if (node.IstioId is { } istio) names.Add((istio.Namespace, istio.PodName));
        if (node.Metadata.TryGetValue("NAME", out var name)) names.Add((proxy.Namespace, name));
        return workloads.Workloads.FirstOrDefault(w => w.HasSidecar && names.Contains((w.Namespace, w.PodName)));
    }

    public void Released(NodeInfo node, XdsClientIdentity identity)
    {
        // Only the count of live streams matters; the last one out frees the id.
        while (_authenticatedIds.TryGetValue(node.Id, out var n))
        {
            if (n <= 1 ? _authenticatedIds.TryRemove(new KeyValuePair<string, int>(node.Id, n)) : _authenticatedIds.TryUpdate(node.Id, n - 1, n)) return;
        }
    }

    private static void Require(bool condition, string reason)
    {
        if (!condition) throw Refuse(StatusCode.PermissionDenied, reason);
    }

    private static RpcException Refuse(StatusCode code, string reason) => new(new Status(code, reason));
}
