using Trellis.Config;
using Trellis.Config.Model;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>Bookinfo's manifests plus extra YAML, with one ready pod per Deployment, as a mesh model.</summary>
internal static class MeshFixture
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The ConfigMap istio-system/istio with <paramref name="mesh"/> (MeshConfig YAML) as its mesh.</summary>
    public static string MeshConfig(string mesh) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata: {"{"}name: istio, namespace: istio-system{"}"}
        data:
          mesh: |
        {string.Join("\n", mesh.Split('\n').Select(l => "    " + l))}
        """;

    public static MeshModel Bookinfo(params string[] extraYaml) => BookinfoTracedTo(null, extraYaml);

    /// <summary>Bookinfo as a control plane whose OTLP receiver is at <paramref name="traceReceiver"/> sees it.</summary>
    public static MeshModel BookinfoTracedTo(string? traceReceiver, params string[] extraYaml)
    {
        var load = ConfigLoader.LoadPaths([Path.Combine(RepoRoot, "samples", "bookinfo")]);
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        var resources = load.Resources.ToList();
        for (var i = 0; i < extraYaml.Length; i++)
        {
            var extra = ConfigLoader.LoadText(extraYaml[i], $"extra-{i}.yaml");
            Assert.False(extra.HasErrors, string.Join("\n", extra.Diagnostics));
            foreach (var r in extra.Resources)
            {
                resources.RemoveAll(x => x.Kind == r.Kind && x.Metadata.Namespace == r.Metadata.Namespace && x.Metadata.Name == r.Metadata.Name);
                resources.Add(r);
            }
        }
        return new MeshModel(resources, Pods(resources), 1) { TraceReceiver = traceReceiver };
    }

    /// <summary>A DestinationRule for bookinfo's reviews: <paramref name="trafficPolicy"/> is YAML indented under
    /// trafficPolicy, <paramref name="subsets"/> more subset entries after v1.</summary>
    public static string ReviewsRule(string trafficPolicy, string subsets = "") => $"""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {"{"}name: reviews, namespace: bookinfo{"}"}
        spec:
          host: reviews
          trafficPolicy:
        {trafficPolicy}
          subsets:
          - {"{"}name: v1, labels: {"{"}version: v1{"}"}{"}"}
        {subsets}
        """;

    /// <summary>A workload of the bookinfo namespace, as DestinationRules see their clients.</summary>
    public static DestinationRuleClient BookinfoClient { get; } = new("bookinfo", new Dictionary<string, string> { ["app"] = "productpage" });

    /// <summary>The outbound cluster of that name the control plane builds for bookinfo's workloads.</summary>
    public static Envoy.Config.Cluster.V3.Cluster OutboundCluster(MeshModel mesh, string name) =>
        ClusterTranslator.Outbound(mesh, BookinfoClient).Single(c => c.Name == name);

    public static ProxyNode Sidecar(string pod, string app, string version, int outbound = 15001, int inbound = 15006) =>
        ProxyNode.From($"sidecar~127.0.0.1~{pod}.bookinfo~bookinfo.svc.cluster.local",
            new Dictionary<string, string>
            {
                ["NAMESPACE"] = "bookinfo",
                [ProxyNode.OutboundPortKey] = outbound.ToString(),
                [ProxyNode.InboundPortKey] = inbound.ToString(),
                [ProxyNode.AppPortKey] = "31000",
                [ProxyNode.ContainerPortKey] = "9080",
            },
            new Dictionary<string, string> { ["app"] = app, ["version"] = version });

    public static ProxyNode IngressGateway(int port = 8080) =>
        ProxyNode.From("router~127.0.0.1~istio-ingressgateway-abc.istio-system~istio-system.svc.cluster.local",
            new Dictionary<string, string> { ["NAMESPACE"] = "istio-system", [ProxyNode.HttpPortKey] = port.ToString() },
            new Dictionary<string, string> { ["istio"] = "ingressgateway", ["app"] = "istio-ingressgateway" });

    private static List<WorkloadModel> Pods(IEnumerable<Resource> resources) =>
        resources.Where(r => r.Kind == "Deployment").Select((r, i) =>
        {
            var template = r.SpecAs<Trellis.Config.Model.Apps.DeploymentSpec>()!.Template!;
            var serviceAccount = template.Spec?.ServiceAccountName ?? "default";
            return new WorkloadModel($"{r.Metadata.Name}-abc", r.Metadata.Namespace!, r.Metadata.Name, template.Metadata!.Labels!, serviceAccount, "127.0.0.1", 20000 + i, Ready: true);
        }).ToList();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Trellis.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }
}
