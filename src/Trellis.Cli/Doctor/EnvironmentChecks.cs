using System.Net;
using System.Net.Sockets;
using Trellis.Runtime;

namespace Trellis.Cli.Doctor;

/// <summary>What `trellis doctor` checks before any mesh runs: the .NET runtime, the tools the guides use, the mesh
/// home and whether the ports `trellis up` takes by default are free.</summary>
internal static class EnvironmentChecks
{
    private const string Area = "environment";

    /// <summary>The ports `trellis up` binds unless told otherwise, with the option that moves each.</summary>
    public static readonly IReadOnlyList<(int Port, string Use, string Option)> DefaultPorts =
    [
        (8080, "the ingress gateway (HTTP)", "--port"),
        (8443, "the ingress gateway (HTTPS and TLS)", "--https-port"),
    ];

    public static IEnumerable<CheckResult> Run(MeshHome home, bool meshRunning, Func<string, bool> onPath)
    {
        yield return Runtime();
        foreach (var result in Tools(onPath)) yield return result;
        yield return Home(home);
        if (!meshRunning)
            foreach (var (port, use, option) in DefaultPorts) yield return Port(port, use, option);
    }

    internal static CheckResult Runtime()
    {
        var version = Environment.Version;
        return version.Major >= 10
            ? CheckResult.Ok(Area, ".NET runtime", $".NET {version}")
            : CheckResult.Fail(Area, ".NET runtime", $".NET {version} is older than Trellis needs (10)", "install the .NET 10 runtime: https://dot.net");
    }

    private static IEnumerable<CheckResult> Tools(Func<string, bool> onPath)
    {
        yield return onPath("curl")
            ? CheckResult.Ok(Area, "curl", "on PATH (used by `trellis exec ... -- curl` in the guides)")
            : CheckResult.Warn(Area, "curl", "not on PATH; `trellis exec POD -- curl ...` will not find it", "apt-get install curl");
        yield return onPath("prometheus")
            ? CheckResult.Ok(Area, "prometheus", "on PATH (for `trellis dashboard prometheus`)")
            : CheckResult.Warn(Area, "prometheus", "not on PATH; only `trellis dashboard prometheus` needs it", "apt-get install prometheus");
    }

    internal static CheckResult Home(MeshHome home)
    {
        if (!Directory.Exists(home.Root))
            return CheckResult.Ok(Area, "mesh home", $"{home.Root} does not exist yet; `trellis up` creates it");
        try
        {
            var probe = Path.Combine(home.Root, $".doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Area, "mesh home", $"{home.Root} is not writable ({e.Message})",
                $"give yourself write access to {home.Root}, or choose another home with --home or TRELLIS_HOME");
        }
        var exposed = PrivateFiles(home).Where(File.Exists)
            .Where(f => !OperatingSystem.IsWindows() && (File.GetUnixFileMode(f) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            .ToList();
        return exposed.Count == 0
            ? CheckResult.Ok(Area, "mesh home", $"{home.Root} is writable; its keys and tokens are private (0600)")
            : CheckResult.Fail(Area, "mesh home", $"readable by other users: {string.Join(", ", exposed)}",
                $"chmod 600 {string.Join(' ', exposed)}");
    }

    /// <summary>The files whose disclosure would let another local user act as the mesh's admin or its CA.</summary>
    private static IEnumerable<string> PrivateFiles(MeshHome home) =>
    [
        home.AdminCredentialPath,
        home.TokenSigningKeyPath,
        Path.Combine(home.IdentityDirectory, "root-key.pem"),
        Path.Combine(home.CaCertsDirectory, "ca-key.pem"),
    ];

    internal static CheckResult Port(int port, string use, string option)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return CheckResult.Ok(Area, $"port {port}", $"free for {use}");
        }
        catch (SocketException)
        {
            return CheckResult.Warn(Area, $"port {port}", $"in use by another program; `trellis up` needs it for {use}",
                $"stop what listens on {port} (ss -ltnp 'sport = :{port}'), or start the mesh with {option} ANOTHER-PORT");
        }
    }
}
