using System.Diagnostics;
using System.Net;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.Launcher;

/// <summary>samples/bookinfo/bin/bookinfo, the command the manifests run: it must start the built sample as a real
/// process on $PORT, and fail clearly when it cannot.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LauncherTests
{
    private static readonly string Script = Repo.Bookinfo("bin", "bookinfo");

    private static ProcessStartInfo StartInfo(string script, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo(script) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in env) start.Environment[name] = value;
        return start;
    }

    private static async Task<(int ExitCode, string Stderr)> RunToEndAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stderr);
    }

    [Fact]
    public async Task The_launcher_runs_the_built_service_on_PORT()
    {
        var port = Ports.Closed();
        using var process = Process.Start(StartInfo(Script, new Dictionary<string, string> { ["PORT"] = port.ToString() }, "details"))!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = Stopwatch.StartNew();
            HttpStatusCode? status = null;
            while (status != HttpStatusCode.OK && deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                try { status = (await client.GetAsync($"http://127.0.0.1:{port}/health")).StatusCode; }
                catch (HttpRequestException) { await Task.Delay(200); }
            }
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("William Shakespeare", await client.GetStringAsync($"http://127.0.0.1:{port}/details/0"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Without_a_build_the_launcher_says_to_run_dotnet_build()
    {
        var fakeRepo = Directory.CreateTempSubdirectory("bookinfo-launcher-");
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(fakeRepo.FullName, "samples", "bookinfo", "bin"));
            var copy = Path.Combine(bin.FullName, "bookinfo");
            File.Copy(Script, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(Script));
            var (exitCode, stderr) = await RunToEndAsync(StartInfo(copy, new Dictionary<string, string>(), "details"));
            Assert.Equal(127, exitCode);
            Assert.Contains("dotnet build", stderr);
        }
        finally
        {
            fakeRepo.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_service_name_prints_the_usage()
    {
        var (exitCode, stderr) = await RunToEndAsync(StartInfo(Script, new Dictionary<string, string>(), "catalog"));
        Assert.Equal(2, exitCode);
        Assert.Contains("usage: bookinfo productpage|details|reviews|ratings", stderr);
    }

    [Fact]
    public async Task A_bad_PORT_is_reported_by_name()
    {
        var (exitCode, stderr) = await RunToEndAsync(StartInfo(Script, new Dictionary<string, string> { ["PORT"] = "http" }, "ratings"));
        Assert.Equal(2, exitCode);
        Assert.Contains("PORT must be a port number", stderr);
    }
}
