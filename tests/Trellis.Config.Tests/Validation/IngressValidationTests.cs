namespace Trellis.Config.Tests.Validation;

/// <summary>The Kubernetes API's rules for an Ingress, at the field that breaks them.</summary>
public class IngressValidationTests
{
    private static string Ingress(string path) => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {"{"}name: web, namespace: web{"}"}
        spec:
          rules:
          - host: web.example.com
            http:
              paths:
              - {path}
        """;

    [Theory]
    [InlineData("{path: /x, backend: {service: {name: web, port: {number: 80}}}}", "spec.rules[0].http.paths[0].pathType")]
    [InlineData("{path: x, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}", "spec.rules[0].http.paths[0].path")]
    [InlineData("{path: /x, pathType: Prefix, backend: {service: {name: web, port: {number: 80, name: http}}}}", "spec.rules[0].http.paths[0].backend.service.port")]
    [InlineData("{path: /x, pathType: Prefix, backend: {service: {name: Web, port: {number: 80}}}}", "spec.rules[0].http.paths[0].backend.service.name")]
    [InlineData("{path: /x, pathType: Sometimes, backend: {service: {name: web, port: {number: 80}}}}", "spec.rules[0].http.paths[0].pathType")]
    public void A_broken_path_is_refused_at_its_field(string path, string field) =>
        Assert.Equal(field, Load.SingleError(Ingress(path)).FieldPath);

    [Fact]
    public void The_seeds_nginx_ingress_loads_without_errors_and_analyze_says_the_mesh_does_not_serve_it()
    {
        const string seed = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: api-ingress
              namespace: production
              annotations:
                nginx.ingress.kubernetes.io/ssl-redirect: "true"
                nginx.ingress.kubernetes.io/canary-weight: "10"
                cert-manager.io/cluster-issuer: "letsencrypt-prod"
            spec:
              ingressClassName: nginx
              tls:
              - hosts:
                - api.example.com
                secretName: api-tls-cert
              rules:
              - host: api.example.com
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: api-service
                        port:
                          number: 8080
            """;

        var finding = Assert.Single(Load.Analyze(seed), d => d.Code == "TRL0115");
        Assert.Contains("its IngressClass \"nginx\" does not exist", finding.Message);
    }
}
