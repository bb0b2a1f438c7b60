using Google.Protobuf.WellKnownTypes;

namespace Trellis.Proxy.Configuration;

/// <summary>Reads a google.protobuf.Duration field of a resource, refusing what the proto itself calls invalid
/// (seconds beyond ±10,000 years, nanos beyond ±999,999,999 or of the other sign than seconds) with the
/// field's name, where Duration.ToTimeSpan would throw a bare InvalidOperationException.</summary>
internal static class DurationField
{
    private const long MaxSeconds = 315_576_000_000;
    private const int MaxNanos = 999_999_999;

    /// <summary>The duration when it is positive, else <paramref name="otherwise"/> (Envoy's default for unset or zero).</summary>
    public static TimeSpan PositiveOr(Duration? d, TimeSpan otherwise, string where, string field)
    {
        if (d is null) return otherwise;
        if (d.Seconds is < -MaxSeconds or > MaxSeconds || d.Nanos is < -MaxNanos or > MaxNanos || (d.Seconds != 0 && d.Nanos != 0 && d.Seconds < 0 != d.Nanos < 0))
            throw new ConfigException($"{where}: {field} is not a valid duration (seconds {d.Seconds}, nanos {d.Nanos})");
        var span = d.ToTimeSpan();
        return span > TimeSpan.Zero ? span : otherwise;
    }
}
