using System.Diagnostics;
using System.Text.Json;

namespace Trellis.EndToEnd.Harness;

/// <summary>Debian's Chromium driven by playwright-core (tests/dashboard-browser, installed by scripts/test): opens the
/// dashboard, reads every view and keeps a screenshot of each under artifacts/screenshots.</summary>
internal static class DashboardBrowser
{
    public static string Script => Repo.Path("tests", "dashboard-browser", "inspect-dashboard.mjs");

    public static string Chromium => Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";

    public static bool Installed =>
        File.Exists(Chromium) && Directory.Exists(Repo.Path("tests", "dashboard-browser", "node_modules", "playwright-core"));

    /// <summary>What the browser read, as the script prints it; with <paramref name="workload"/> (NAMESPACE/NAME) also
    /// what the page that clicking its graph node opens shows.</summary>
    public static async Task<JsonElement> InspectAsync(string dashboardUrl, string scenario, string? workload = null)
    {
        var screenshots = Repo.Path("artifacts", "screenshots", scenario);
        var start = new ProcessStartInfo("node", [Script, dashboardUrl, screenshots, .. workload is null ? Array.Empty<string>() : [workload]])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await node.WaitForExitAsync(timeout.Token);
        if (node.ExitCode != 0) throw new InvalidOperationException($"the browser script failed ({node.ExitCode}): {await stderr}\n{await stdout}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}

/// <summary>A fact that needs Chromium and playwright-core: skipped with the install command when they are missing,
/// except under CI (CI set), where scripts/test installs them and their absence must fail the run.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (DashboardBrowser.Installed || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) return;
        Skip = $"Chromium ({DashboardBrowser.Chromium}) or playwright-core missing: run `apt-get install chromium` and `npm ci --prefix tests/dashboard-browser` (under CI this test fails instead)";
    }
}
