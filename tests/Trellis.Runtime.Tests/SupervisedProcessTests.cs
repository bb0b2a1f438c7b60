using System.Diagnostics;

namespace Trellis.Runtime.Tests;

public sealed class SupervisedProcessTests
{
    private static readonly RestartBackOff Quick = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), TimeSpan.FromMinutes(1));

    private static ProcessStartInfo Shell(string script) => new("/bin/sh", ["-c", script]);

    [Fact]
    public async Task Output_is_logged_and_an_exiting_process_restarts_with_doubling_back_off()
    {
        using var home = new TestHome();
        var log = home.File("logs/nested/app.log");
        var exits = new List<ProcessExit>();
        var restarts = new List<int>();
        await using var process = new SupervisedProcess("app", () => Shell("echo out-$$; echo err-$$ >&2; exit 3"), log, Quick);
        process.Exited += e => { lock (exits) exits.Add(e); };
        process.Restarted += pid => { lock (restarts) restarts.Add(pid); };
        process.Start();

        await Eventually.True(() => { lock (exits) return exits.Count >= 3; }, "three exits");
        await process.StopAsync();

        lock (exits)
        {
            Assert.All(exits, e => Assert.Equal(3, e.ExitCode));
            Assert.Equal([200, 400, 400], exits.Take(3).Select(e => e.RestartIn.TotalMilliseconds));
            Assert.Equal("exited with code 3", exits[0].Describe());
        }
        lock (restarts) Assert.True(restarts.Count >= 2 && restarts.Distinct().Count() == restarts.Count);
        Assert.True(process.Restarts >= 2);
        Assert.Null(process.Pid);
        var text = await File.ReadAllTextAsync(log);
        Assert.True(text.Split("out-").Length - 1 >= 3, text);
        Assert.Contains("err-", text);
    }

    [Fact]
    public async Task Stop_sends_SIGTERM_and_does_not_restart()
    {
        using var home = new TestHome();
        var marker = home.File("terminated");
        var exits = 0;
        var process = new SupervisedProcess("trap", () => Shell($"trap 'echo term > {marker}; exit 0' TERM; while true; do sleep 0.1; done"), home.File("t.log"), Quick);
        process.Exited += _ => Interlocked.Increment(ref exits);
        process.Start();
        var pid = await Eventually.Value(() => process.Pid?.ToString(), "a pid");
        await Task.Delay(300);

        var clock = Stopwatch.StartNew();
        await process.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal("term", File.ReadAllText(marker).Trim());
        Assert.False(Processes.IsAlive(int.Parse(pid)));
        await Task.Delay(500);
        Assert.Equal(0, exits);
    }

    [Fact]
    public async Task A_process_ignoring_SIGTERM_is_killed_with_its_children_after_the_grace_period()
    {
        using var home = new TestHome();
        var childFile = home.File("child");
        var process = new SupervisedProcess("stubborn", () => Shell($"trap '' TERM; sleep 300 & echo $! > {childFile}; wait"), home.File("s.log"), Quick);
        process.Start();
        var child = int.Parse(await Eventually.Value(() => File.Exists(childFile) ? File.ReadAllText(childFile).Trim() is { Length: > 0 } s ? s : null : null, "child pid"));
        var pid = process.Pid!.Value;

        var clock = Stopwatch.StartNew();
        await process.StopAsync(TimeSpan.FromSeconds(1));

        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 6);
        await Eventually.True(() => !Processes.IsAlive(pid) && !Processes.IsAlive(child), "process and child gone", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_command_that_cannot_start_is_reported_and_retried()
    {
        using var home = new TestHome();
        var exits = new List<ProcessExit>();
        await using var process = new SupervisedProcess("missing", () => new ProcessStartInfo(home.File("no-such-binary")), home.File("m.log"), Quick);
        process.Exited += e => { lock (exits) exits.Add(e); };
        process.Start();

        await Eventually.True(() => { lock (exits) return exits.Count >= 2; }, "two failed starts");
        lock (exits)
        {
            Assert.All(exits, e => Assert.Null(e.ExitCode));
            Assert.All(exits, e => Assert.NotNull(e.Error));
            Assert.StartsWith("could not start: ", exits[0].Describe());
        }
    }
}
