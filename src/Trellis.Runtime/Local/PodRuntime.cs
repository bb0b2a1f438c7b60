namespace Trellis.Runtime;

/// <summary>What every pod of one supervisor shares: where logs go, how sidecars start, whom to tell.</summary>
internal sealed record PodRuntime(
    MeshHome Home,
    SidecarLauncher SidecarLauncher,
    LocalSupervisorOptions Options,
    Action<PodEvent> Report,
    Action StateChanged);
