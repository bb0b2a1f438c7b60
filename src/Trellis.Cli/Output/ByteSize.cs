using System.Globalization;

namespace Trellis.Cli.Output;

/// <summary>A byte count as people read it: <c>912B</c>, <c>14.2KiB</c>, <c>3.1MiB</c>.</summary>
internal static class ByteSize
{
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => $"{bytes}B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#}KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#}MiB"),
    };
}
