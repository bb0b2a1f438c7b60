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
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        // Its own thread, not the pool's: opening or writing a file (a FIFO nobody reads, a stalled mount) may block indefinitely.
        new Thread(Drain) { IsBackground = true, Name = $"access log {_label}" }.Start();
    }

    /// <summary>Queues a line; drops and counts it when the queue is full.</summary>
    public void Write(string line)
    {
        if (!_lines.Writer.TryWrite(line)) _dropped.Increment();
    }

    private void Drain()
    {
        var reader = _lines.Reader;
        var batch = new MemoryStream(MaxBatchBytes);
        Stream? output = null;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
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
        }
        finally
        {
            output?.Dispose();
            _stopped.TrySetResult();
        }
    }

    /// <summary>Writes what is queued and stops; a writer stuck in its destination is left behind after <paramref name="wait"/>.</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        _lines.Writer.TryComplete();
        try
        {
            await _stopped.Task.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(TimeSpan.FromSeconds(2)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "access log {Sink}: {Lines} line(s) dropped, cannot write: {Reason}")]
    private static partial void WriteFailed(ILogger logger, string sink, int lines, string reason);
}
