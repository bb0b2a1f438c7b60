namespace Trellis.EndToEnd.Harness;

/// <summary>Bookinfo's details app as a one-pod workload in a namespace of a scenario's own mesh: a Service on port
/// 9080 and a Deployment running the built sample, for scenarios that need a real HTTP app but not all of Bookinfo.</summary>
internal static class DetailsWorkload
{
    /// <summary>The Service and Deployment, as YAML documents ending with a separator; with
    /// <paramref name="serviceAccount"/>, the pod runs as it (the ServiceAccount is declared too).</summary>
    public static string Manifests(string ns, string? serviceAccount = null) => $$$"""
        {{{(serviceAccount is null ? "" : $"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {serviceAccount}, namespace: {ns}}}\n---\n")}}}apiVersion: v1
        kind: Service
        metadata: {name: details, namespace: {{{ns}}}}
        spec:
          ports: [{port: 9080, name: http}]
          selector: {app: details}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: details, namespace: {{{ns}}}}
        spec:
          selector: {matchLabels: {app: details}}
          template:
            metadata: {labels: {app: details, version: v1}}
            spec:
              serviceAccountName: {{{serviceAccount ?? "default"}}}
              containers:
              - name: details
                command: ["{{{Repo.Path("samples", "bookinfo", "bin", "bookinfo")}}}"]
                args: ["details"]
                ports: [{containerPort: 9080, name: http}]
                readinessProbe: {httpGet: {path: /health, port: 9080}}
        ---

        """;
}
