using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;
using Trellis.ControlPlane.Translation.Authorization;
using RbacFilter = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;

namespace Trellis.ControlPlane.Tests.Translation.Authorization;

/// <summary>Bookinfo plus policies, and the pieces of a proxy's config that authorization writes.</summary>
internal static class AuthzFixture
{
    public static string Policy(string name, string spec, string ns = "bookinfo", string annotations = "") => $"""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: {name}
          namespace: {ns}
        {annotations}
        spec:
        {spec}
        """;

    public static ProxyNode Reviews => MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1");

    public static AuthorizationConfig For(ProxyNode node, params string[] yaml) => AuthorizationFilters.For(MeshFixture.Bookinfo(yaml), node);

    public static HttpConnectionManager InboundHcm(MeshModel mesh, ProxyNode node)
    {
        var listener = ProxyConfigBuilder.Build(mesh, node).Listeners.OfType<Listener>().Single(l => l.Name == ClusterNames.InboundListener);
        return Hcm(listener);
    }

    /// <summary>The connection manager every chain of the listener serves with (PERMISSIVE has a TLS and a plaintext chain).</summary>
    public static HttpConnectionManager Hcm(Listener listener) =>
        listener.FilterChains.Select(c => c.Filters.Single().TypedConfig.Unpack<HttpConnectionManager>()).Distinct().Single();

    public static Route ConnectRoute(HttpConnectionManager hcm) =>
        hcm.RouteConfig.VirtualHosts.Single().Routes.Single(r => r.Match.PathSpecifierCase == RouteMatch.PathSpecifierOneofCase.ConnectMatcher);

    public static RbacFilter Rbac(AuthorizationConfig config, string filterName) =>
        config.HttpFilters.Single(f => f.Name == filterName).TypedConfig.Unpack<RbacFilter>();

    public static RbacFilter TcpRbac(AuthorizationConfig config, string filterName) =>
        config.TcpOverrides[filterName].Unpack<Envoy.Extensions.Filters.Http.Rbac.V3.RBACPerRoute>().Rbac;
}
