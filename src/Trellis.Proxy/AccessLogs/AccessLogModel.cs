using Trellis.Proxy.AccessLogs.Formatting;

namespace Trellis.Proxy.AccessLogs;

/// <summary>One access log of a connection manager: its Envoy name, how lines are formatted and where they go, and the
/// filter that picks which requests it logs (none: all).</summary>
internal sealed record AccessLogModel(string Name, AccessLogFormatter Formatter, AccessLogDestination Destination)
{
    public Filters.CelAccessLogFilter? Filter { get; init; }
}

/// <summary>Where access-log lines are written: standard output, standard error or a file. Equal destinations share one sink.</summary>
internal sealed record AccessLogDestination(AccessLogDestination.Stream Target, string? Path)
{
    internal enum Stream
    {
        Stdout,
        Stderr,
        File,
    }

    public static readonly AccessLogDestination Stdout = new(Stream.Stdout, null);
    public static readonly AccessLogDestination Stderr = new(Stream.Stderr, null);

    /// <summary>The value of the dropped-lines metric's "sink" label.</summary>
    public string Label => Target switch
    {
        Stream.Stdout => "stdout",
        Stream.Stderr => "stderr",
        _ => Path!,
    };
}
