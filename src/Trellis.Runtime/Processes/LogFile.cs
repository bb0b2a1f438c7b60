namespace Trellis.Runtime;

/// <summary>An append-only log file that a process's stdout and stderr are copied into as the bytes arrive,
/// so readers (<c>trellis logs -f</c>) see each line as soon as it is written. Rotated by size as the kubelet
/// rotates container logs (containerLogMaxSize 10 Mi, containerLogMaxFiles 5): <c>x.log</c> becomes
/// <c>x.log.1</c>, older files shift up, and the oldest beyond the limit is dropped.</summary>
internal sealed class LogFile : IDisposable
{
    /// <summary>The kubelet's default containerLogMaxSize.</summary>
    public const long DefaultMaxBytes = 10 * 1024 * 1024;

    /// <summary>The kubelet's default containerLogMaxFiles: the live file and four rotated ones.</summary>
    public const int DefaultMaxFiles = 5;

    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _maxFiles;
    private readonly object _gate = new();
    private FileStream _stream;
    private bool _disposed;

    public LogFile(string path, long maxBytes = DefaultMaxBytes, int maxFiles = DefaultMaxFiles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFiles, 1);
        _path = Path.GetFullPath(path);
        _maxBytes = maxBytes;
        _maxFiles = maxFiles;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _stream = Open();
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
            // Whole reads stay in one file, so a line is split across files only when one read holds more than that.
            if (_stream.Length > 0 && _stream.Length + bytes.Length > _maxBytes) Rotate();
            _stream.Write(bytes);
        }
    }

    private void Rotate()
    {
        _stream.Dispose();
        File.Delete(Rotated(_maxFiles - 1));
        for (var i = _maxFiles - 2; i >= 0; i--)
        {
            var from = Rotated(i);
            if (File.Exists(from)) File.Move(from, Rotated(i + 1), overwrite: true);
        }
        _stream = Open();
    }

    /// <summary>The live file for 0, else <c>x.log.N</c>; with one file allowed, rotation just truncates.</summary>
    private string Rotated(int index) => index == 0 ? _path : $"{_path}.{index}";

    private FileStream Open() => new(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _stream.Dispose();
        }
    }
}
