using Microsoft.Extensions.Logging;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.AccessLogs;

/// <summary>One destination's lines: a bounded buffer that requests copy their line into without waiting, drained by
/// one background writer. As Envoy's file access log does, the writer flushes once per interval (or sooner when a
/// quarter of the buffer's lines are in) instead of waking for every line: a wake-up and a write call per request would
/// cost more than the request's own telemetry. Lines are bytes in two buffers that swap, not a queue of strings: a
/// string that waits up to a second outlives the garbage collector's youngest generation, and promoting thousands of
/// them a second cost more than formatting them. When the buffer is full (the destination is slower than the traffic,
/// or blocked) lines are dropped and counted, never making a request wait.</summary>
internal sealed partial class AccessLogSink : IAsyncDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>What one buffer may grow to, whatever the line count: lines can carry long headers.</summary>
    private const int MaxBufferBytes = 1024 * 1024;

    /// <summary>Envoy's default <c>file_flush_interval_msec</c>.</summary>
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private byte[] _filling = new byte[InitialBufferBytes];
    private byte[] _draining = new byte[InitialBufferBytes];
    private int _filledBytes;
    private int _filledLines;
    private readonly int _capacity;
    private readonly int _wakeAt;
    private readonly TimeSpan _flushInterval;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Counter.Series _dropped;
    private readonly Func<Stream> _open;
    private readonly ILogger _log;
    private readonly string _label;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
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

    /// <summary>Takes a copy of a line (UTF-8, with its line end); drops and counts it when the buffer is full.</summary>
    public void Write(ReadOnlySpan<byte> line)
    {
        bool wake;
        lock (_gate)
        {
            if (_stopping || _filledLines >= _capacity || !Fits(line.Length))
            {
                _dropped.Increment();
                return;
            }
            line.CopyTo(_filling.AsSpan(_filledBytes));
            _filledBytes += line.Length;
            wake = ++_filledLines == _wakeAt;
        }
        if (wake) _wake.Set();
    }

    private bool Fits(int length)
    {
        var needed = _filledBytes + length;
        if (needed <= _filling.Length) return true;
        if (needed > MaxBufferBytes) return false;
        Array.Resize(ref _filling, Math.Min(MaxBufferBytes, Math.Max(needed, _filling.Length * 2)));
        return true;
    }

    private void Drain()
    {
        Stream? output = null;
        try
        {
            while (true)
            {
                var stopping = _stopping;
                if (!stopping) _wake.WaitOne(_flushInterval);
                int bytes, lines;
                lock (_gate)
                {
                    (_filling, _draining) = (_draining, _filling);
                    (bytes, lines) = (_filledBytes, _filledLines);
                    (_filledBytes, _filledLines) = (0, 0);
                }
                if (lines > 0)
                {
                    try
                    {
                        output ??= _open();
                        output.Write(_draining, 0, bytes);
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
