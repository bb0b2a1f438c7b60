namespace Trellis.ControlPlane.Observability.Scraping;

/// <summary>Which proxies to leave out of a scrape round because they did not answer lately. One miss is forgiven (a
/// sidecar's admin port may open just after its xDS stream); after the n-th miss in a row a proxy sits out 2^(n-2)
/// rounds, at most <see cref="MaxRoundsOut"/>, and it is asked every round again once it answers. A mesh with many
/// sidecars that are hung or unreachable pays a connection attempt per sidecar per minute, not per round.</summary>
internal sealed class ScrapeBackoff
{
    /// <summary>A minute at the default five-second interval.</summary>
    public const int MaxRoundsOut = 12;

    private readonly Dictionary<string, (int Failures, long AskAgainAt)> _failing = new(StringComparer.Ordinal);

    /// <summary>Whether the proxy is to be asked in round <paramref name="round"/>.</summary>
    public bool ShouldAsk(string proxy, long round) => !_failing.TryGetValue(proxy, out var failing) || round >= failing.AskAgainAt;

    /// <summary>Records that the proxy answered: it is asked every round.</summary>
    public void Answered(string proxy) => _failing.Remove(proxy);

    /// <summary>Records that the proxy did not answer in round <paramref name="round"/>.</summary>
    public void Failed(string proxy, long round)
    {
        var failures = _failing.TryGetValue(proxy, out var failing) ? failing.Failures + 1 : 1;
        var roundsOut = failures == 1 ? 0 : Math.Min(1L << Math.Min(failures - 2, 30), MaxRoundsOut);
        _failing[proxy] = (failures, round + 1 + roundsOut);
    }

    /// <summary>Forgets proxies no longer connected.</summary>
    public void Keep(IReadOnlySet<string> connected)
    {
        foreach (var gone in _failing.Keys.Where(p => !connected.Contains(p)).ToList()) _failing.Remove(gone);
    }
}
