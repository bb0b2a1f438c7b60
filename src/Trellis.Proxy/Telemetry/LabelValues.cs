namespace Trellis.Proxy.Telemetry;

/// <summary>The label values of one time series; equal when every value is equal.</summary>
internal readonly struct LabelValues(string[] values) : IEquatable<LabelValues>
{
    public string[] Values { get; } = values;

    public bool Equals(LabelValues other)
    {
        if (Values.Length != other.Values.Length) return false;
        for (var i = 0; i < Values.Length; i++)
            if (!string.Equals(Values[i], other.Values[i], StringComparison.Ordinal)) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is LabelValues other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var v in Values) hash.Add(v, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}
