using System.Text.Json;

namespace Trellis.Runtime.Tests;

public sealed class PodStateStoreTests
{
    private static PodState Pod(string name) => new(name, "ns", "dep", new Dictionary<string, string> { ["app"] = "dep" }, "sa", "127.0.0.1",
        1001, 1002, 1003, 1004, 9080, [new ContainerPortMapping(9080, 1001)], "app", PodPhase.Running, true, true, 2, null, 10, 11,
        DateTimeOffset.Parse("2026-01-02T03:04:05Z"), "abcdef0123");

    [Fact]
    public void Round_trips_and_uses_camel_case_names()
    {
        using var home = new TestHome();
        PodStateStore.Write(home.Mesh, [Pod("a"), Pod("b")]);

        var read = PodStateStore.Read(home.Mesh);
        Assert.Equal(["a", "b"], read.Select(p => p.Name));
        Assert.Equal(Pod("a") with { Labels = read[0].Labels, ContainerPorts = read[0].ContainerPorts }, read[0]);
        Assert.Equal("dep", read[0].Labels["app"]);
        Assert.Equal(new ContainerPortMapping(9080, 1001), Assert.Single(read[0].ContainerPorts));

        var json = JsonDocument.Parse(File.ReadAllText(home.Mesh.PodsPath)).RootElement[0];
        Assert.Equal(1001, json.GetProperty("appPort").GetInt32());
        Assert.Equal(1004, json.GetProperty("adminPort").GetInt32());
        Assert.Equal("Running", json.GetProperty("phase").GetString());
        Assert.Equal(1001, json.GetProperty("containerPorts")[0].GetProperty("appPort").GetInt32());
    }

    [Fact]
    public void A_missing_or_corrupt_file_reads_as_no_pods()
    {
        using var home = new TestHome();
        Assert.Empty(PodStateStore.Read(home.Mesh));
        File.WriteAllText(home.Mesh.PodsPath, "[{\"name\":");
        Assert.Empty(PodStateStore.Read(home.Mesh));
    }

    [Fact]
    public void Writes_leave_no_temporary_files()
    {
        using var home = new TestHome();
        for (var i = 0; i < 5; i++) PodStateStore.Write(home.Mesh, [Pod($"p{i}")]);

        Assert.Equal(["pods.json"], Directory.GetFiles(home.Root).Select(Path.GetFileName));
    }
}
