namespace Trellis.Runtime.Tests;

public sealed class ConvergenceTests
{
    private static ContainerSpec Sleeper(string folder, string version = "1") =>
        Fake.Container(folder, ["/bin/sleep"], ["300"], [new("VERSION", version)]);

    [Fact]
    public async Task Scaling_1_to_3_to_1_keeps_the_oldest_pod()
    {
        await using var mesh = new TestSupervisor();
        var one = Fake.Workload("scale", 1, Sleeper(mesh.Home.Root));
        await mesh.Apply(one);
        var first = await Eventually.Value(() => mesh.PodsOf("scale") is [{ Ready: true } p] ? p : null, "one ready");
        Assert.Matches($"^scale-{one.TemplateHash}-[a-z0-9]{{5}}$", first.Name);

        await mesh.Apply(one with { Replicas = 3 });
        await Eventually.True(() => mesh.PodsOf("scale").Count(p => p.Ready) == 3, "three ready");
        var three = mesh.PodsOf("scale");
        Assert.Equal(3, three.Select(p => p.Name).Distinct().Count());
        Assert.Equal(12, three.SelectMany(p => new[] { p.AppPort, p.InboundPort, p.OutboundPort, p.AdminPort }).Distinct().Count());

        await mesh.Apply(one);
        await Eventually.True(() => mesh.PodsOf("scale").Count == 1, "back to one");
        Assert.Equal(first.Name, mesh.PodsOf("scale")[0].Name);
        foreach (var removed in three.Where(p => p.Name != first.Name))
            Assert.False(Processes.IsAlive(removed.AppPid!.Value) || Processes.IsAlive(removed.SidecarPid!.Value), $"{removed.Name} still runs");
    }

    [Fact]
    public async Task A_template_change_replaces_the_pod_new_one_first()
    {
        await using var mesh = new TestSupervisor();
        var v1 = Fake.Workload("roll", 1, Sleeper(mesh.Home.Root, "1"));
        var v2 = Fake.Workload("roll", 1, Sleeper(mesh.Home.Root, "2"));
        Assert.NotEqual(v1.TemplateHash, v2.TemplateHash);
        await mesh.Apply(v1);
        var old = await Eventually.Value(() => mesh.PodsOf("roll") is [{ Ready: true } p] ? p : null, "v1 ready");

        await mesh.Apply(v2);
        var replacement = await Eventually.Value(() => mesh.PodsOf("roll") is [{ Ready: true } p] && p.TemplateHash == v2.TemplateHash ? p : null, "v2 replaced v1");

        Assert.StartsWith($"roll-{v2.TemplateHash}-", replacement.Name);
        Assert.Equal(v2.TemplateHash, replacement.Labels["pod-template-hash"]);
        var events = mesh.Events.ToList();
        var newReady = events.FindIndex(e => e.Pod == replacement.Name && e.Message == "ready");
        var oldTerminating = events.FindIndex(e => e.Pod == old.Name && e.Message.StartsWith("terminating", StringComparison.Ordinal));
        Assert.True(newReady >= 0 && newReady < oldTerminating, string.Join(" | ", events));
        Assert.False(Processes.IsAlive(old.AppPid!.Value));
    }

    [Fact]
    public async Task A_rollout_to_a_broken_template_keeps_the_old_pod_serving()
    {
        await using var mesh = new TestSupervisor();
        var good = Fake.Workload("app", 1, Sleeper(mesh.Home.Root));
        await mesh.Apply(good);
        var old = await Eventually.Value(() => mesh.PodsOf("app") is [{ Ready: true } p] ? p : null, "ready");

        await mesh.Apply(Fake.Workload("app", 1, Fake.Container(mesh.Home.Root, ["bin/typo"])));
        await Task.Delay(1500);

        var pods = mesh.PodsOf("app");
        Assert.Equal(2, pods.Count);
        Assert.True(pods.Single(p => p.Name == old.Name).Ready);
        Assert.Equal(PodPhase.Failed, pods.Single(p => p.Name != old.Name).Phase);

        await mesh.Apply(good);
        await Eventually.True(() => mesh.PodsOf("app") is [{ Ready: true } p] && p.Name == old.Name, "the failed pod is removed");
    }

    [Fact]
    public async Task Removing_a_deployment_stops_its_pods_and_leaves_the_others()
    {
        await using var mesh = new TestSupervisor();
        await mesh.Apply(Fake.Workload("a", 2, Sleeper(mesh.Home.Root)), Fake.Workload("b", 1, Sleeper(mesh.Home.Root)));
        await Eventually.True(() => mesh.Supervisor.Pods.Count(p => p.Ready) == 3, "three ready");
        var a = mesh.PodsOf("a");

        await mesh.Apply(Fake.Workload("b", 1, Sleeper(mesh.Home.Root)));

        await Eventually.True(() => mesh.Supervisor.Pods is [{ Deployment: "b", Ready: true }], "only b left");
        Assert.All(a, p => Assert.False(Processes.IsAlive(p.AppPid!.Value)));
        Assert.Contains(mesh.Events, e => e.Pod == a[0].Name && e.Message == "deleted");
        await Assert.ThrowsAsync<ArgumentException>(() => mesh.Supervisor.ApplyWorkloads([Fake.Workload("b", 1), Fake.Workload("b", 2)]));
    }
}
