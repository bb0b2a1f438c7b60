using System.Diagnostics;
using System.Text;

namespace Trellis.EndToEnd.Harness;

/// <summary>Runs the real `trellis` CLI against one mesh home, as a user would from a shell.</summary>
internal sealed class TrellisCli(string home)
{
    public string Home { get; } = home;

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add(Repo.TrellisDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TRELLIS_HOME"] = Home;
        foreach (var proxyVar in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY" })
            start.Environment.Remove(proxyVar);
        return start;
    }

    public async Task<Result> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromSeconds(60), args);

    public async Task<Result> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"trellis {string.Join(' ', args)} did not finish within {timeout}: {await stdout}{await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
