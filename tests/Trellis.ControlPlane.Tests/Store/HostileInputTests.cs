using Trellis.Config;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Store;

namespace Trellis.ControlPlane.Tests.Store;

/// <summary>The hostile inputs of issue 7 against the store: each is refused whole with a positioned diagnostic and
/// nothing changes; a stored file that no longer loads is quarantined at start-up and the rest is served.</summary>
public sealed class HostileInputTests
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

    private static string VirtualService(string hosts) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {"{name: deep, namespace: bookinfo}"}
        spec:
          hosts: {hosts}
        """;

    private static string Nested(int levels) => new string('[', levels) + "reviews" + new string(']', levels);

    private static ApplyRequest Files(params string[] contents) =>
        new(contents.Select((c, i) => new ManifestFile($"/manifests/file{i}.yaml", c)).ToList());

    public static TheoryData<string, string, string> Refused() => new()
    {
        { "a: [b\n- c", DiagnosticCodes.YamlSyntaxError, "malformed YAML" },
        { VirtualService("[~]"), DiagnosticCodes.SchemaValidationError, "spec.hosts[0]: expected a string, got null" },
        { VirtualService("[[x]]"), DiagnosticCodes.SchemaValidationError, "spec.hosts[0]: expected a string, got a list" },
        { "a: " + new string('[', 100_000), DiagnosticCodes.InputLimitExceeded, "nested deeper than 200 levels (the limit)" },
        { VirtualService(Nested(30_000)), DiagnosticCodes.InputLimitExceeded, "(VirtualService bookinfo/deep /manifests/file1.yaml:5:" },
        { "# " + new string('x', 20 * 1024 * 1024), DiagnosticCodes.InputLimitExceeded, "file is 20 MiB, over the limit of 3 MiB per apply" },
        { "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: big\n  annotations:\n    note: " + new string('x', 15 * 1024 * 1024),
            DiagnosticCodes.InputLimitExceeded, "file is 15 MiB" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_hostile_file_is_refused_whole_and_changes_nothing(string content, string code, string text)
    {
        var store = new ConfigStore(_dir);
        Assert.True(store.Apply(Files(Service)).Accepted);
        var version = store.Version;

        var response = store.Apply(Files(Service, content));

        Assert.False(response.Accepted);
        var error = Assert.Single(response.Diagnostics, d => d.Severity == "Error");
        Assert.Equal(code, error.Code);
        Assert.Equal("/manifests/file1.yaml", error.File);
        Assert.Contains(text, error.Text);
        Assert.DoesNotContain('\n', error.Text);
        Assert.Equal(version, store.Version);
        Assert.Single(Directory.GetFiles(_dir, "*.yaml"));
    }

    [Fact]
    public void A_stored_thirty_thousand_level_object_is_quarantined_at_restart_and_the_rest_is_served()
    {
        new ConfigStore(_dir).Apply(Files(Service));
        // As an earlier Trellis stored it, before nesting was limited.
        var deep = Path.Combine(_dir, "VirtualService.networking.istio.io.bookinfo.deep.yaml");
        var content = "# trellis-origin: /manifests/deep.yaml\n" + VirtualService(Nested(30_000));
        File.WriteAllText(deep, content);

        var restarted = new ConfigStore(_dir);
        var problems = restarted.LoadPersisted();

        Assert.Equal("Service bookinfo/reviews", Assert.Single(restarted.Objects).Key.ToString());
        var quarantined = Assert.Single(restarted.Quarantined);
        Assert.Equal(Path.Combine(_dir, "quarantine", Path.GetFileName(deep)), quarantined.File);
        Assert.Contains("nested deeper than 200 levels (the limit)", quarantined.Reason);
        Assert.Equal(content, File.ReadAllText(quarantined.File));
        Assert.False(File.Exists(deep));
        var report = Assert.Single(problems, p => p.Severity == Severity.Error);
        Assert.Contains($"quarantined to {quarantined.File}", report.Message);

        var again = new ConfigStore(_dir);
        Assert.Empty(again.LoadPersisted());
        Assert.Single(again.Objects);
        Assert.Single(again.Quarantined);
    }

    [Fact]
    public void Stored_files_that_are_malformed_or_too_large_are_quarantined_one_by_one()
    {
        new ConfigStore(_dir).Apply(Files(Service));
        File.WriteAllText(Path.Combine(_dir, "a-malformed.yaml"), "a: [b\n- c");
        File.WriteAllText(Path.Combine(_dir, "b-null-host.yaml"), VirtualService("[~]"));
        using (var big = File.Create(Path.Combine(_dir, "c-big.yaml"))) big.SetLength(20 * 1024 * 1024);

        var store = new ConfigStore(_dir);
        var problems = store.LoadPersisted();

        Assert.Single(store.Objects);
        Assert.Equal(3, problems.Count(p => p.Severity == Severity.Error));
        Assert.Equal(["a-malformed.yaml", "b-null-host.yaml", "c-big.yaml"],
            store.Quarantined.Select(q => Path.GetFileName(q.File)).Order(StringComparer.Ordinal));
        Assert.All(store.Quarantined, q => Assert.DoesNotContain('\n', q.Reason));
    }
}
