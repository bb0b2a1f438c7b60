using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Distribution;

/// <summary>`dotnet pack src/Trellis.Cli` makes a .NET tool package that works on its own once installed: the
/// installed `trellis` runs the Bookinfo demo it carries, outside the repository, with its control plane, sidecars and
/// apps all started from the tool's folder.</summary>
public sealed class ToolInstallTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("trellis-tool-");

    private string Packages => Path.Combine(_scratch.FullName, "packages");
    private string ToolPath => Path.Combine(_scratch.FullName, "tools");
    private string Home => Path.Combine(_scratch.FullName, "home");
    private string Trellis => Path.Combine(ToolPath, "trellis");

    [Fact]
    public async Task The_packed_tool_installs_and_its_trellis_runs_the_bookinfo_demo_it_carries()
    {
        // The test's own build is packed as it is (no rebuild), as `dotnet pack` would after `dotnet build`.
        var pack = await RunAsync("dotnet", ["pack", Repo.Path("src", "Trellis.Cli"), "-c", Configuration, "--no-build", "-o", Packages, "-nologo"]);
        Assert.True(pack.ExitCode == 0, pack.Output);
        // --source alone: the package comes from this folder, whatever a public feed has under the same id.
        var install = await RunAsync("dotnet", ["tool", "install", "trellis", "--tool-path", ToolPath, "--source", Packages]);
        Assert.True(install.ExitCode == 0, install.Output);

        var version = await RunAsync(Trellis, ["version"]);
        Assert.True(version.ExitCode == 0, version.Output);
        Assert.StartsWith("trellis ", version.Output);

        var ingressPort = Ports.Free();
        using var demo = Process.Start(StartInfo(Trellis, ["demo", "--port", ingressPort.ToString()]))!;
        var demoOutput = new StringBuilder();
        demo.OutputDataReceived += (_, e) => { lock (demoOutput) demoOutput.AppendLine(e.Data); };
        demo.ErrorDataReceived += (_, e) => { lock (demoOutput) demoOutput.AppendLine(e.Data); };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            var clock = Stopwatch.StartNew();
            HttpStatusCode? status = null;
            while (clock.Elapsed < TimeSpan.FromSeconds(120) && !demo.HasExited && status != HttpStatusCode.OK)
            {
                try
                {
                    using var response = await client.GetAsync($"http://127.0.0.1:{ingressPort}/productpage");
                    status = response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
                if (status != HttpStatusCode.OK) await Task.Delay(500);
            }
            Assert.True(status == HttpStatusCode.OK, $"/productpage answered {status?.ToString() ?? "nothing"}; trellis demo said:\n{Text(demoOutput)}");

            // Every process of the mesh runs from the installed tool, none from the repository's build.
            var pods = PodsFile.Read(Home);
            Assert.Equal(6, pods.Count);
            foreach (var pod in pods)
            {
                Assert.StartsWith(ToolPath + "/", CommandLine(pod.SidecarPid!.Value));
                // The package carries the native sidecar, and the mesh runs it though the package lost its execute bit.
                Assert.EndsWith("/native/trellis-proxy", new FileInfo($"/proc/{pod.SidecarPid}/exe").LinkTarget);
                Assert.Contains(ToolPath + "/", CommandLine(pod.AppPid!.Value));
            }

            var down = await RunAsync(Trellis, ["down"]);
            Assert.True(down.ExitCode == 0, down.Output);
            Assert.True(demo.WaitForExit(30_000), $"trellis demo still runs after trellis down:\n{Text(demoOutput)}");
        }
        finally
        {
            if (!demo.HasExited)
            {
                await RunAsync(Trellis, ["down"]);
                if (!demo.WaitForExit(30_000)) demo.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The tool runs where a user would run it: outside the repository, in a mesh home of its own, with the
    /// dotnet that runs this test (the tool's launcher finds the runtime through DOTNET_ROOT when it is not in the
    /// default place).</summary>
    private ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = _scratch.FullName,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TRELLIS_HOME"] = Home;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ROOT")))
            start.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        foreach (var proxyVar in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY" })
            start.Environment.Remove(proxyVar);
        return start;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> args)
    {
        var start = StartInfo(fileName, args);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish: {await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }


    public void Dispose() => _scratch.Delete(recursive: true);
}
