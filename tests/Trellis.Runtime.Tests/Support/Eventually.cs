using System.Diagnostics;

namespace Trellis.Runtime.Tests;

/// <summary>Polls a condition, for the state of real processes that changes asynchronously.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<T> Value<T>(Func<T?> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? DefaultTimeout))
        {
            if (probe() is { } value) return value;
            await Task.Delay(50);
        }
        throw new TimeoutException($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds}s waiting for {what}");
    }

    public static Task True(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Value(() => condition() ? "" : null, what, timeout);
}
