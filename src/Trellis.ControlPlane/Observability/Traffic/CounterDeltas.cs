namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>Turns one proxy's cumulative counters into what they grew by since its previous scrape, as Prometheus's
/// rate() does: a counter that went down was reset (the proxy restarted) and counts from zero; a series first seen on
/// a proxy already scraped grew from zero; the first scrape of a proxy only sets the baseline.</summary>
internal sealed class CounterDeltas
{
    private Dictionary<string, double> _previous = new(StringComparer.Ordinal);
    private Dictionary<string, double> _current = new(StringComparer.Ordinal);
    private bool _hasBaseline;

    /// <summary>Starts a scrape; <see cref="Delta"/> then compares against the last completed one.</summary>
    public void Begin() => _current.Clear();

    public long Delta(string series, double value)
    {
        _current[series] = value;
        if (!_hasBaseline) return 0;
        var grew = _previous.TryGetValue(series, out var before) && value >= before ? value - before : value;
        return double.IsFinite(grew) && grew > 0 ? (long)Math.Round(grew) : 0;
    }

    /// <summary>Ends a scrape: its values become the baseline of the next.</summary>
    public void Complete()
    {
        (_previous, _current) = (_current, _previous);
        _hasBaseline = true;
    }
}
