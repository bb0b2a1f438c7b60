using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Store;

namespace Trellis.ControlPlane.Tests.Inputs;

/// <summary>What push relies on from any config source, checked on the file store: every accepted change is announced
/// once, after the new objects and version can be read; anything that changes nothing is not announced.</summary>
public sealed class ConfigSourceContractTests : IDisposable
{
    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          ports: [{port: 9080, name: http}]
          selector: {app: reviews}
        """;

    private const string Ratings = """
        apiVersion: v1
        kind: Service
        metadata: {name: ratings, namespace: bookinfo}
        spec:
          ports: [{port: 9080, name: http}]
          selector: {app: ratings}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("trellis-source-").FullName;
    private readonly IWritableConfigSource _source;
    private readonly List<(long Version, int Objects, string[] Resources)> _seen = [];

    public ConfigSourceContractTests()
    {
        _source = new ConfigStore(_dir);
        _source.Changed += () => _seen.Add((_source.Version, _source.Objects.Count, _source.Resources.Select(r => r.Metadata.Name).ToArray()));
    }

    private static ApplyRequest Files(params string[] contents) =>
        new(contents.Select((c, i) => new ManifestFile($"/manifests/file{i}.yaml", c)).ToList());

    [Fact]
    public void An_accepted_apply_is_announced_once_with_its_objects_and_a_higher_version_already_readable()
    {
        var before = _source.Version;

        var response = _source.Apply(Files(Service));

        Assert.True(response.Accepted);
        var seen = Assert.Single(_seen);
        Assert.True(seen.Version > before);
        Assert.Equal(response.Version, seen.Version);
        Assert.Equal(["reviews"], seen.Resources);
    }

    [Fact]
    public void Applies_that_change_nothing_are_not_announced_and_keep_the_version()
    {
        _source.Apply(Files(Service));
        var version = _source.Version;

        _source.Apply(Files(Service));
        _source.Apply(Files(Ratings) with { DryRun = true });
        _source.Apply(Files("apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: bookinfo}\nspec:\n  ports: [{port: 70000}]\n"));

        Assert.Single(_seen);
        Assert.Equal(version, _source.Version);
    }

    [Fact]
    public void A_delete_is_announced_with_the_object_gone_and_the_rest_in_creation_order()
    {
        _source.Apply(Files(Service));
        _source.Apply(Files(Ratings));
        _source.Apply(Files(Service.Replace("app: reviews", "app: reviews-v2")));

        _source.Delete(Files(Service));

        Assert.Equal(4, _seen.Count);
        Assert.Equal(["reviews", "ratings"], _seen[1].Resources);
        Assert.Equal(["ratings", "reviews"], _seen[2].Resources);
        Assert.Equal(["ratings"], _seen[3].Resources);
        Assert.True(_seen[3].Version > _seen[2].Version);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
