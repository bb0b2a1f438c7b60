namespace Trellis.LocalMode;

/// <summary>The mesh config's proxy defaults a sidecar starts with, as Istio's injector applies them to a new pod: kept
/// current by the <see cref="DeploymentWatcher"/>, read by every launch. A pod's own annotation wins over them.</summary>
internal sealed class SidecarDefaults
{
    private const int Unset = -1;
    private int _concurrency = Unset;

    /// <summary>defaultConfig.concurrency; null when the mesh config does not say.</summary>
    public int? Concurrency
    {
        get => Volatile.Read(ref _concurrency) is var threads and >= 0 ? threads : null;
        set => Volatile.Write(ref _concurrency, value ?? Unset);
    }
}
