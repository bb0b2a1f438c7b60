using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.SampleSupport;

/// <summary>A sample run the way its manifests run it: its launcher script under samples/NAME/bin, as a real
/// process with the given environment (and none of the test runner's proxy variables). The sample must have
/// been built (`dotnet build` of the solution or of the sample), as `trellis up` needs too.</summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    private static readonly string[] ProxyVariables = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY", "grpc_proxy"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The output once it holds <paramref name="text"/>, or as it is after 10 s: the sample logs after it
    /// answers, and its lines reach the test on another thread, so an answer read does not mean its log line is.</summary>
    public async Task<string> OutputOnceItHoldsAsync(string text)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        return Output;
    }

    public static string Script(string sample, string name) => Path.Combine(Repo.Root, "samples", sample, "bin", name);

    /// <summary>Starts the sample and returns once <paramref name="port"/> accepts connections.</summary>
    public static async Task<SampleProcess> StartAsync(string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, int port)
    {
        var sample = new SampleProcess(Process.Start(StartInfo(script, args, env))!);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (sample._process.HasExited)
                throw new InvalidOperationException($"{script} exited with {sample._process.ExitCode}:\n{sample.Output}");
            if (await AcceptsAsync(port)) return sample;
            await Task.Delay(100);
        }
        await sample.DisposeAsync();
        throw new TimeoutException($"{script} did not listen on {port} within 30s:\n{sample.Output}");
    }

    /// <summary>Runs the sample to its end (a client command, or a usage error).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        using var process = Process.Start(StartInfo(script, args, env ?? new Dictionary<string, string>()))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env)
    {
        var start = new ProcessStartInfo(script) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in ProxyVariables) start.Environment.Remove(name);
        foreach (var (name, value) in env) start.Environment[name] = value;
        return start;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
