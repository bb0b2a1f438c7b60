using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Store;

namespace Trellis.ControlPlane.Tests.Store;

public sealed class ConfigStoreTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trellis-store-").FullName;

    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          ports: [{port: 9080, name: http}]
          selector: {app: reviews}
        """;

    private static string VirtualService(string weights) => $$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews}
              weight: {{weights}}
        """;

    private static ApplyRequest Files(params string[] contents) =>
        new(contents.Select((c, i) => new ManifestFile($"/manifests/file{i}.yaml", c)).ToList());

    [Fact]
    public void An_apply_with_one_bad_object_changes_nothing()
    {
        var store = new ConfigStore(_dir);
        Assert.True(store.Apply(Files(Service)).Accepted);
        var version = store.Version;

        var response = store.Apply(Files(VirtualService("100"), "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: bookinfo}\nspec:\n  ports: [{port: 70000}]\n"));

        Assert.False(response.Accepted);
        Assert.Contains(response.Diagnostics, d => d.Severity == "Error" && d.Text.Contains("file1.yaml"));
        Assert.Equal(version, store.Version);
        Assert.Single(store.Objects);
    }

    [Fact]
    public void Applied_objects_survive_a_restart_with_their_origin()
    {
        var first = new ConfigStore(_dir);
        first.Apply(Files(Service, VirtualService("100")));

        var second = new ConfigStore(_dir);
        var problems = second.LoadPersisted();

        Assert.DoesNotContain(problems, p => p.Severity == Trellis.Config.Severity.Error);
        Assert.Equal(2, second.Objects.Count);
        Assert.All(second.Objects.Values, o => Assert.StartsWith("/manifests/file", o.Origin));
    }

    [Fact]
    public void Reapplying_the_same_yaml_is_unchanged_and_bumps_no_version()
    {
        var store = new ConfigStore(_dir);
        store.Apply(Files(Service));
        var version = store.Version;

        var again = store.Apply(Files(Service));

        Assert.Equal("unchanged", Assert.Single(again.Results).Action);
        Assert.Equal(version, store.Version);
    }

    [Fact]
    public void Delete_removes_the_object_and_its_file()
    {
        var store = new ConfigStore(_dir);
        store.Apply(Files(Service, VirtualService("100")));

        var response = store.Delete(Files(VirtualService("100")));

        Assert.Equal("deleted", Assert.Single(response.Results).Action);
        Assert.Single(store.Objects);
        Assert.Single(Directory.GetFiles(_dir, "*.yaml"));
    }

    private static string Rule(string name) =>
        $"apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {{name: {name}, namespace: bookinfo}}\nspec:\n  host: reviews\n";

    [Fact]
    public void Resources_come_in_creation_order_and_one_apply_creates_in_document_order()
    {
        var store = new ConfigStore(_dir);
        Assert.True(store.Apply(Files(Rule("zz-first"))).Accepted);
        Assert.True(store.Apply(Files(Rule("mm-second") + "---\n" + Rule("aa-third"))).Accepted);
        Assert.True(store.Apply(Files(Rule("zz-first"))).Accepted);

        Assert.Equal(["zz-first", "mm-second", "aa-third"], store.Resources.Select(r => r.Metadata.Name));
    }
}
