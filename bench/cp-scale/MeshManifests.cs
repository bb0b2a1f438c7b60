using System.Globalization;
using System.Text;
using Trellis.ControlPlane.Api;

namespace Trellis.Bench.CpScale;

/// <summary>The mesh under test: services of two ports each (HTTP and gRPC), spread over namespaces of
/// <see cref="ServicesPerNamespace"/>, each with a DestinationRule of three subsets and a VirtualService that sends a
/// canary header to v3 and splits the rest 90/10 between v1 and v2, as a team running canaries would write them.
/// With <paramref name="NamespaceSidecars"/>, every namespace also has the Sidecar Istio recommends for large meshes,
/// which lets its proxies see only their own namespace's services.</summary>
internal sealed record MeshManifests(int Services, bool NamespaceSidecars = false)
{
    public const int ServicesPerNamespace = 100;
    public const int HttpPort = 8080;
    public const int GrpcPort = 9090;
    public static readonly string[] Versions = ["v1", "v2", "v3"];

    public static string ServiceName(int i) => $"svc-{i:D4}";

    public static string NamespaceOf(int i) => $"cps-{i / ServicesPerNamespace:D2}";

    /// <summary>The manifests in apply requests of at most <paramref name="servicesPerRequest"/> services each, so every
    /// request stays under the API's limit on one apply.</summary>
    public IEnumerable<ApplyRequest> Batches(int servicesPerRequest)
    {
        for (var first = 0; first < Services; first += servicesPerRequest)
        {
            var text = new StringBuilder();
            var last = Math.Min(Services, first + servicesPerRequest);
            for (var i = first; i < last; i++)
            {
                if (i % ServicesPerNamespace == 0)
                {
                    Namespace(text, NamespaceOf(i));
                    if (NamespaceSidecars) NamespaceSidecar(text, NamespaceOf(i));
                }
                Service(text, i);
                DestinationRule(text, i);
                VirtualService(text, i, canaryWeight: 10);
            }
            yield return new ApplyRequest([new ManifestFile($"services-{first:D4}-{last - 1:D4}.yaml", text.ToString())]);
        }
    }

    /// <summary>The one change whose propagation is measured: service 0's canary goes from 10% to 50%.</summary>
    public static ApplyRequest CanaryChange()
    {
        var text = new StringBuilder();
        VirtualService(text, 0, canaryWeight: 50);
        return new ApplyRequest([new ManifestFile("canary-change.yaml", text.ToString())]);
    }

    private static void Namespace(StringBuilder s, string ns) => s.Append(CultureInfo.InvariantCulture, $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {ns}
        ---

        """);

    private static void NamespaceSidecar(StringBuilder s, string ns) => s.Append(CultureInfo.InvariantCulture, $"""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata:
          name: default
          namespace: {ns}
        spec:
          egress:
          - hosts:
            - "./*"
            - "istio-system/*"
        ---

        """);

    private static void Service(StringBuilder s, int i) => s.Append(CultureInfo.InvariantCulture, $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {ServiceName(i)}
          namespace: {NamespaceOf(i)}
          labels:
            app: {ServiceName(i)}
        spec:
          selector:
            app: {ServiceName(i)}
          ports:
          - name: http
            port: {HttpPort}
            targetPort: {HttpPort}
          - name: grpc
            port: {GrpcPort}
            targetPort: {GrpcPort}
        ---

        """);

    private static void DestinationRule(StringBuilder s, int i)
    {
        s.Append(CultureInfo.InvariantCulture, $"""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: {ServiceName(i)}
              namespace: {NamespaceOf(i)}
            spec:
              host: {ServiceName(i)}
              trafficPolicy:
                connectionPool:
                  http:
                    http1MaxPendingRequests: 1024
              subsets:

            """);
        foreach (var v in Versions) s.Append(CultureInfo.InvariantCulture, $"""
              - name: {v}
                labels:
                  version: {v}

            """);
        s.Append("---\n");
    }

    private static void VirtualService(StringBuilder s, int i, int canaryWeight) => s.Append(CultureInfo.InvariantCulture, $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: {ServiceName(i)}
          namespace: {NamespaceOf(i)}
        spec:
          hosts:
          - {ServiceName(i)}
          http:
          - match:
            - headers:
                x-canary:
                  exact: "true"
            route:
            - destination:
                host: {ServiceName(i)}
                subset: v3
          - route:
            - destination:
                host: {ServiceName(i)}
                subset: v1
              weight: {100 - canaryWeight}
            - destination:
                host: {ServiceName(i)}
                subset: v2
              weight: {canaryWeight}
        ---

        """);
}
