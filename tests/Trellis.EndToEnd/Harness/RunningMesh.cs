using System.Diagnostics;
using System.Text;

namespace Trellis.EndToEnd.Harness;

/// <summary>A mesh started with the real CLI (`trellis up`) in its own home, kept for the scenarios of a
/// collection and stopped with `trellis down` like a user would; the base of the collection fixtures.</summary>
public abstract class RunningMesh(string homePrefix) : IAsyncLifetime
{
    private readonly StringBuilder _upOutput = new();
    private Process? _up;

    internal TrellisCli Cli { get; } = new(Directory.CreateTempSubdirectory(homePrefix).FullName);
    public string UpOutput { get { lock (_upOutput) return _upOutput.ToString(); } }

    internal bool UpHasExited => _up?.HasExited ?? true;

    internal int UpPid => _up!.Id;

    public abstract Task InitializeAsync();

    /// <summary>Runs `trellis up ARGS` in the background, collecting what it prints; <paramref name="environment"/> is
    /// added to its environment (which the control plane and every proxy it starts inherit).</summary>
    protected void StartUp(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = Cli.StartInfo(["up", .. args]);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _up = Process.Start(start)!;
        _up.OutputDataReceived += (_, e) => { lock (_upOutput) _upOutput.AppendLine(e.Data); };
        _up.ErrorDataReceived += (_, e) => { lock (_upOutput) _upOutput.AppendLine(e.Data); };
        _up.BeginOutputReadLine();
        _up.BeginErrorReadLine();
    }

    public async Task DisposeAsync()
    {
        if (_up is null) return;
        if (!_up.HasExited)
        {
            await Cli.RunAsync("down");
            if (!_up.WaitForExit(30_000)) _up.Kill(entireProcessTree: true);
        }
        _up.Dispose();
    }

    internal async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (UpHasExited) throw new InvalidOperationException($"trellis up exited while waiting for {what}:\n{UpOutput}");
            if (await condition()) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"timed out after {timeout} waiting for {what}; trellis up said:\n{UpOutput}");
    }
}
