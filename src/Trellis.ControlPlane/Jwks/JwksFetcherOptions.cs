namespace Trellis.ControlPlane.Jwks;

/// <summary>istiod's defaults: refresh every 20 minutes, retry a failed source every minute.
/// Responses beyond <see cref="MaxBytes"/> are refused.</summary>
internal sealed record JwksFetcherOptions
{
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(20);
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMinutes(1);
    public int MaxBytes { get; init; } = 512 * 1024;
}
