using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>Cleans up after a supervisor that died without stopping its pods (SIGKILL, a closed terminal, or a
/// machine without util-linux's setpriv to make the kernel kill them): pod processes run in their own sessions,
/// so nothing else stops them. Every app, sidecar, gateway and control plane carries a marker variable naming
/// its home and pod; only processes that still carry it are killed, so a reused pid is safe.</summary>
public static class LeftoverProcesses
{
    /// <summary>The environment variable set on every app and sidecar process.</summary>
    public const string MarkerVariable = "TRELLIS_POD";

    /// <summary>Kills (SIGKILL, with their process groups) the apps and sidecars recorded in the home's pods file
    /// that still run with this home's marker. Call it before a new supervisor takes the home over; returns the pids killed.</summary>
    public static IReadOnlyList<int> KillRecorded(MeshHome home)
    {
        var killed = new List<int>();
        foreach (var pod in PodStateStore.Read(home))
            foreach (var pid in new[] { pod.AppPid, pod.SidecarPid }.OfType<int>())
                if (KillMarked(home, pod.Namespace, pod.Name, pid)) killed.Add(pid);
        return killed;
    }

    /// <summary>Marks a process this home starts for <paramref name="ns"/>/<paramref name="name"/>, so
    /// <see cref="KillMarked"/> can tell it from whatever reuses its pid later.</summary>
    public static void Mark(ProcessStartInfo start, MeshHome home, string ns, string name) =>
        start.Environment[MarkerVariable] = Marker(home, ns, name);

    /// <summary>Kills <paramref name="pid"/> and its process group if it still carries the marker of
    /// <paramref name="ns"/>/<paramref name="name"/> in this home; false when it is gone or not ours.</summary>
    public static bool KillMarked(MeshHome home, string ns, string name, int pid)
    {
        if (pid <= 1 || !Carries(pid, $"{MarkerVariable}={Marker(home, ns, name)}")) return false;
        // setsid made each process a group leader: the group takes its children with it.
        Signals.Send(-pid, Signals.SigKill);
        Signals.Send(pid, Signals.SigKill);
        return true;
    }

    /// <summary>Kills every process that still carries a marker of this home, whatever its pod: what the
    /// recorded processes started (a shell script's background job keeps its parent's environment) outlives
    /// them once they are gone, with nothing recorded to find it by. Only call it when no supervisor runs the
    /// home. Returns the pids killed.</summary>
    public static IReadOnlyList<int> KillAllMarked(MeshHome home)
    {
        var prefix = $"{MarkerVariable}={home.Root}|";
        var killed = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || pid <= 1 || pid == Environment.ProcessId) continue;
            if (!EnvironmentOf(pid).Any(e => e.StartsWith(prefix, StringComparison.Ordinal))) continue;
            Signals.Send(pid, Signals.SigKill);
            killed.Add(pid);
        }
        return killed;
    }

    internal static string Marker(MeshHome home, string ns, string pod) => $"{home.Root}|{ns}/{pod}";

    private static bool Carries(int pid, string marker) => EnvironmentOf(pid).Contains(marker, StringComparer.Ordinal);

    /// <summary>The process's environment; empty when it is gone or not ours to read.</summary>
    private static string[] EnvironmentOf(int pid)
    {
        try
        {
            // procfs reports a size of 0: read to the end, which the kernel bounds (ARG_MAX).
            return System.Text.Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
