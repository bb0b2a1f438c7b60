using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>What a `trellis up` that died without stopping its mesh left in its home: processes still marked as
/// this home's (pods, gateway, control plane) and records naming them. Only call it without a live supervisor.</summary>
public static class LeftoverMesh
{
    // Where istiod would run: the control plane's marker names it as if it were a pod there.
    private const string ControlPlaneNamespace = MeshHome.SystemNamespace;
    private const string ControlPlaneName = "trellisd";

    /// <summary>Marks the control plane so a later clean-up can recognise it.</summary>
    public static void MarkControlPlane(System.Diagnostics.ProcessStartInfo start, MeshHome home) =>
        LeftoverProcesses.Mark(start, home, ControlPlaneNamespace, ControlPlaneName);

    /// <summary>Marks the ingress gateway so a later clean-up can recognise it.</summary>
    public static void MarkGateway(System.Diagnostics.ProcessStartInfo start, MeshHome home) =>
        LeftoverProcesses.Mark(start, home, ProxyLaunch.GatewayNamespace, ProxyLaunch.GatewayName);

    /// <summary>Whether the home records a mesh (its state or pods) that is not running any more.</summary>
    public static bool IsRecorded(MeshHome home) => File.Exists(home.StatePath) || PodStateStore.Read(home).Count > 0;

    /// <summary>Kills whatever recorded process still carries this home's marker, with its process group, then
    /// any other process carrying it (children of recorded processes already gone), and forgets the records;
    /// returns the pids killed.</summary>
    public static IReadOnlyList<int> Clean(MeshHome home)
    {
        var killed = new List<int>(LeftoverProcesses.KillRecorded(home));
        if (MeshState.Read(home) is { } state)
        {
            if (LeftoverProcesses.KillMarked(home, ProxyLaunch.GatewayNamespace, ProxyLaunch.GatewayName, state.GatewayPid)) killed.Add(state.GatewayPid);
            if (LeftoverProcesses.KillMarked(home, ControlPlaneNamespace, ControlPlaneName, state.ControlPlanePid)) killed.Add(state.ControlPlanePid);
        }
        killed.AddRange(LeftoverProcesses.KillAllMarked(home).Except(killed));
        File.Delete(home.StatePath);
        File.Delete(home.PodsPath);
        PodSecrets.RemoveAll(home);
        return killed;
    }
}
