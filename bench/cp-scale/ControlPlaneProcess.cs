using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Trellis.Runtime;

namespace Trellis.Bench.CpScale;

/// <summary>The control plane under test: `trellis controlplane`, the very process `trellis up` starts, on the
/// benchmark's mesh home, in a process of its own so that its memory and CPU are its own.</summary>
internal sealed class ControlPlaneProcess : IDisposable
{
    private readonly Process _process;

    private ControlPlaneProcess(Process process, int xdsPort, int apiPort)
    {
        _process = process;
        XdsPort = xdsPort;
        ApiPort = apiPort;
    }

    public int XdsPort { get; }
    public int ApiPort { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public static ControlPlaneProcess Start(string trellisDll, MeshHome home)
    {
        var (xds, api) = (FreePort(), FreePort());
        var log = home.SystemLogPath("trellisd");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        // exec: the pid measured is the control plane's own, not a shell's; its log goes where `trellis logs` looks.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$0\" controlplane --home \"$1\" --xds-port \"$2\" --api-port \"$3\" --admin-credential-file \"$4\" >\"$5\" 2>&1");
        foreach (var a in new[] { trellisDll, home.Root, xds.ToString(), api.ToString(), home.AdminCredentialPath, log }) start.ArgumentList.Add(a);
        return new ControlPlaneProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start the control plane"), xds, api);
    }

    /// <summary>CPU time (user + system) used so far.</summary>
    public TimeSpan Cpu()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Resident memory now and at its peak (VmRSS, VmHWM), in bytes.</summary>
    public (long Now, long Peak) Rss()
    {
        _process.Refresh();
        return (_process.WorkingSet64, _process.PeakWorkingSet64);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }
}
