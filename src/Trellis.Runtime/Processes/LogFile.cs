namespace Trellis.Runtime;

/// <summary>An append-only log file that a process's stdout and stderr are copied into as the bytes arrive,
/// so readers (<c>trellis logs -f</c>) see each line as soon as it is written.</summary>
internal sealed class LogFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly object _gate = new();
    private bool _disposed;

    public LogFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    /// <summary>Copies <paramref name="source"/> until it ends. The copy runs on its own task and the child's pipe is
    /// always drained, so a slow disk never blocks the child on a full pipe for long.</summary>
    public Task PumpAsync(Stream source) => Task.Run(async () =>
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0) Append(buffer.AsSpan(0, read));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe closed under us when the process was disposed; nothing more to copy.
        }
    });

    private void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            if (_disposed) return;
            _stream.Write(bytes);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _stream.Dispose();
        }
    }
}
