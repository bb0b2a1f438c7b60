using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.AccessLogs;

/// <summary>One destination's lines: a bounded queue that requests add to without waiting, drained by one background
/// writer that appends them in batches and flushes after each. When the queue is full (the destination is slower
/// than the traffic, or blocked) lines are dropped and counted, never making a request wait.</summary>
internal sealed partial class AccessLogSink : IAsyncDisposable
{
    private const int MaxBatchBytes = 64 * 1024;

    private readonly Channel<string> _lines;
    private readonly Counter.Series _dropped;
    private readonly Func<Stream> _open;
    private readonly ILogger _log;
    private readonly string _label;
    private readonly Task _writer;

    public AccessLogSink(AccessLogDestination destination, int capacity, Counter.Series dropped, ILogger log)
    {
        _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _dropped = dropped;
        _log = log;
        _label = destination.Label;
        _open = destination.Target switch
        {
            AccessLogDestination.Stream.Stdout => Console.OpenStandardOutput,
            AccessLogDestination.Stream.Stderr => Console.OpenStandardError,
            _ => () => new FileStream(destination.Path!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: false),
        };
        // Its own thread: opening a file (a FIFO nobody reads, a stalled network mount) may block indefinitely.
        _writer = Task.Factory.StartNew(DrainAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Queues a line; drops and counts it when the queue is full.</summary>
    public void Write(string line)
    {
        if (!_lines.Writer.TryWrite(line)) _dropped.Increment();
    }

    private async Task DrainAsync()
    {
        var reader = _lines.Reader;
        var batch = new MemoryStream(MaxBatchBytes);
        Stream? output = null;
        while (await reader.WaitToReadAsync())
        {
            batch.SetLength(0);
            var lines = 0;
            while (batch.Length < MaxBatchBytes && reader.TryRead(out var line))
            {
                var bytes = Encoding.UTF8.GetByteCount(line);
                var start = (int)batch.Length;
                batch.SetLength(start + bytes);
                Encoding.UTF8.GetBytes(line, batch.GetBuffer().AsSpan(start, bytes));
                lines++;
            }
            try
            {
                output ??= _open();
                output.Write(batch.GetBuffer(), 0, (int)batch.Length);
                output.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                _dropped.Increment(lines);
                WriteFailed(_log, _label, lines, e.Message);
                output?.Dispose();
                output = null;
            }
        }
        if (output is not null) await output.DisposeAsync();
    }

    /// <summary>Writes what is queued and stops; a writer stuck in its destination is left behind after <paramref name="wait"/>.</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        _lines.Writer.TryComplete();
        await _writer.WaitAsync(wait).ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    public ValueTask DisposeAsync() => new(StopAsync(TimeSpan.FromSeconds(2)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "access log {Sink}: {Lines} line(s) dropped, cannot write: {Reason}")]
    private static partial void WriteFailed(ILogger logger, string sink, int lines, string reason);
}
