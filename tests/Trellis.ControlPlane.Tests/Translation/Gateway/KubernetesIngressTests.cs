using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation.Gateway;

/// <summary>A Kubernetes Ingress of Istio's class is served by the ingress gateway's HTTP port.</summary>
public sealed class KubernetesIngressTests
{
    private const string Ingress = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: istio}
        spec: {controller: istio.io/ingress-controller}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: bookinfo, namespace: bookinfo}
        spec:
          ingressClassName: istio
          rules:
          - host: bookinfo.example.com
            http:
              paths:
              - {path: /productpage, pathType: Exact, backend: {service: {name: productpage, port: {number: 9080}}}}
              - {path: /static, pathType: Prefix, backend: {service: {name: productpage, port: {name: http}}}}
        """;

    private static string Describe(Route route) => route.Match.Path is { Length: > 0 } path ? $"path {path}" : $"prefix {route.Match.Prefix}";

    [Fact]
    public void The_ingress_gateway_routes_the_ingress_host_by_its_paths()
    {
        var mesh = MeshFixture.Bookinfo(Ingress);
        var config = GatewayRouteTranslator.Build(mesh, MeshFixture.IngressGateway(18080), 18080);

        var host = Assert.Single(config.VirtualHosts, v => v.Domains.Contains("bookinfo.example.com"));
        Assert.Equal(["path /productpage", "path /static", "prefix /static/"], host.Routes.Select(Describe));
        Assert.All(host.Routes, r => Assert.Equal("outbound|9080||productpage.bookinfo.svc.cluster.local", r.Route_.Cluster));
    }
}
