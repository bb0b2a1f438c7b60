namespace Trellis.Cli.Output;

/// <summary>kubectl's compact ages: 45s, 3m12s, 2h, 5d.</summary>
internal static class Age
{
    public static string Format(DateTimeOffset since)
    {
        var age = DateTimeOffset.UtcNow - since;
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        if (age.TotalMinutes < 2) return $"{(int)age.TotalSeconds}s";
        if (age.TotalMinutes < 10) return $"{(int)age.TotalMinutes}m{age.Seconds}s";
        if (age.TotalHours < 2) return $"{(int)age.TotalMinutes}m";
        if (age.TotalDays < 2) return $"{(int)age.TotalHours}h";
        return $"{(int)age.TotalDays}d";
    }
}
