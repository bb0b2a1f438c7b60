using System.Diagnostics;
using System.Text.Json;

namespace Trellis.EndToEnd.Harness;

/// <summary>The smallest sample mesh (`trellis up -f samples/tcp-echo`: tcp-echo v1 and v2, sleep), for scenarios
/// about the mesh's processes and files rather than its traffic.</summary>
public sealed class TcpEchoMesh() : RunningMesh("trellis-e2e-tcpecho-")
{
    private const int PodCount = 3;

    public int IngressPort { get; } = Ports.Free();

    public override async Task InitializeAsync()
    {
        StartUp(["-f", Repo.Path("samples", "tcp-echo"), "--port", IngressPort.ToString()]);
        await WaitUntilAsync(() => Task.FromResult(PodsFile.Read(Cli.Home) is { Count: PodCount } pods && pods.All(p => p.Ready)),
            TimeSpan.FromSeconds(120), $"all {PodCount} tcp-echo pods ready");
    }

    /// <summary>mesh.json, as `trellis up` wrote it.</summary>
    internal JsonElement State() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Cli.Home, "mesh.json"))).RootElement.Clone();

    /// <summary>Every process the mesh recorded: apps, sidecars, the gateway and the control plane.</summary>
    internal IReadOnlyList<int> RecordedPids()
    {
        var state = State();
        return PodsFile.Read(Cli.Home).SelectMany(p => new[] { p.AppPid, p.SidecarPid }).OfType<int>()
            .Append(state.GetProperty("controlPlanePid").GetInt32())
            .Append(state.GetProperty("gatewayPid").GetInt32())
            .ToList();
    }

    /// <summary>Every loopback port the mesh listens on.</summary>
    internal IReadOnlyList<int> RecordedPorts()
    {
        var state = State();
        var pods = JsonDocument.Parse(File.ReadAllText(Path.Combine(Cli.Home, "pods.json"))).RootElement;
        return pods.EnumerateArray()
            .SelectMany(p => new[] { "appPort", "inboundPort", "outboundPort", "adminPort" }.Select(n => p.GetProperty(n).GetInt32()))
            .Concat(new[] { "xdsPort", "apiPort", "ingressPort", "ingressAdminPort" }.Select(n => state.GetProperty(n).GetInt32()))
            .ToList();
    }

    /// <summary>What a `kill -9` of `trellis up` does: no signal handler runs, nothing is stopped in order.</summary>
    internal void KillUpWithSigkill()
    {
        using var up = Process.GetProcessById(UpPid);
        up.Kill();
        up.WaitForExit();
    }
}

/// <summary>What the kernel says about pids and ports.</summary>
internal static class Kernel
{
    /// <summary>True while the process exists and is not a zombie (a zombie holds no ports and runs no code).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static bool CanBind(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
