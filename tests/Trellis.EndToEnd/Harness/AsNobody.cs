using System.Diagnostics;

namespace Trellis.EndToEnd.Harness;

/// <summary>Runs a command as another local user, uid nobody, with util-linux's setpriv: the hostile local user
/// of the threat model, who shares loopback with the mesh but not its files.</summary>
internal static class AsNobody
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo("setpriv")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        foreach (var a in (string[])["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", .. command]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>`curl` as nobody; returns the HTTP status it got (000 when it could not connect).</summary>
    public static async Task<string> CurlAsync(params string[] args)
    {
        var result = await RunAsync(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*", .. args]);
        return result.Stdout.Trim();
    }
}

/// <summary>A fact that needs to switch users: it runs as root (as the tests do in CI) with setpriv and curl,
/// and is skipped with the reason otherwise, never passed without having run.</summary>
public sealed class AsNobodyFactAttribute : FactAttribute
{
    public AsNobodyFactAttribute()
    {
        if (Syscalls.EffectiveUserId() != 0)
            Skip = "needs root to run commands as uid nobody (setpriv --reuid=nobody); run the end-to-end tests as root, as CI does";
        else if (!new[] { "/usr/bin/setpriv", "/bin/setpriv" }.Any(File.Exists))
            Skip = "needs setpriv (Debian package util-linux)";
        else if (!new[] { "/usr/bin/curl", "/bin/curl" }.Any(File.Exists))
            Skip = "needs curl (installed by scripts/test)";
    }
}

internal static class Syscalls
{
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe blocks for no gain on this one call.
    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
#pragma warning restore SYSLIB1054

    public static uint EffectiveUserId() => geteuid();
}
