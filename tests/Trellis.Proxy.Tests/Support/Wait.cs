namespace Trellis.Proxy.Tests.Support;

/// <summary>Polls a condition that becomes true asynchronously (a request reaching an upstream, a counter moving).</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!condition()) await Task.Delay(20, timeout.Token);
    }
}
