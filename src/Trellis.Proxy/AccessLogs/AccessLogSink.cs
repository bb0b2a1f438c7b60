using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.AccessLogs;

/// <summary>One destination's lines: a bounded queue that requests add to without waiting, drained by one background
/// writer that appends them in batches. As Envoy's file access log does, the writer flushes once per interval (or
/// sooner when a batch's worth is queued) instead of waking for every line: a wake-up and a write call per request
/// would cost more than the request's own telemetry. When the queue is full (the destination is slower than the
/// traffic, or blocked) lines are dropped and counted, never making a request wait.</summary>
internal sealed partial class AccessLogSink : IAsyncDisposable
{
    private const int MaxBatchBytes = 64 * 1024;

    /// <summary>Envoy's default <c>file_flush_interval_msec</c>.</summary>
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<string> _lines = new();
    private readonly int _capacity;
    private readonly int _wakeAt;
    private readonly TimeSpan _flushInterval;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Counter.Series _dropped;
    private readonly Func<Stream> _open;
    private readonly ILogger _log;
    private readonly string _label;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _queued;
    private volatile bool _stopping;

    public AccessLogSink(AccessLogDestination destination, int capacity, TimeSpan flushInterval, Counter.Series dropped, ILogger log)
    {
        _capacity = capacity;
        // A quarter of the queue is enough to fill a batch at any realistic line length, and leaves room for the
        // lines that arrive while the batch is written.
        _wakeAt = Math.Max(1, capacity / 4);
        _flushInterval = flushInterval;
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
        var queued = Interlocked.Increment(ref _queued);
        if (queued > _capacity || _stopping)
        {
            Interlocked.Decrement(ref _queued);
            _dropped.Increment();
            return;
        }
        _lines.Enqueue(line);
        if (queued == _wakeAt) _wake.Set();
    }

    private void Drain()
    {
        var batch = new MemoryStream(MaxBatchBytes);
        Stream? output = null;
        try
        {
            while (true)
            {
                var stopping = _stopping;
                if (!stopping) _wake.WaitOne(_flushInterval);
                while (!_lines.IsEmpty)
                {
                    var lines = FillBatch(batch);
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
                if (stopping) return;
            }
        }
        finally
        {
            output?.Dispose();
            _stopped.TrySetResult();
        }
    }

    private int FillBatch(MemoryStream batch)
    {
        batch.SetLength(0);
        var lines = 0;
        while (batch.Length < MaxBatchBytes && _lines.TryDequeue(out var line))
        {
            var bytes = Encoding.UTF8.GetByteCount(line);
            var start = (int)batch.Length;
            batch.SetLength(start + bytes);
            Encoding.UTF8.GetBytes(line, batch.GetBuffer().AsSpan(start, bytes));
            lines++;
        }
        Interlocked.Add(ref _queued, -lines);
        return lines;
    }

    /// <summary>Writes what is queued and stops; a writer stuck in its destination is left behind after <paramref name="wait"/>.</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        _stopping = true;
        _wake.Set();
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
