namespace Trellis.Proxy.Configuration;

/// <summary>What .NET timers can wait for. Envoy's durations go further, but a wait beyond about 49 days
/// never ends in practice, so config durations past it mean "forever" instead of failing every request.</summary>
internal static class Timers
{
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
}
