using System.Text;

namespace Trellis.Runtime.Tests;

public sealed class LogFileTests : IDisposable
{
    private readonly TestHome _home = new();

    [Fact]
    public async Task A_log_rotates_by_size_keeping_a_bounded_number_of_files()
    {
        var path = _home.File("logs/trellisd.log");
        using (var log = new LogFile(path, maxBytes: 1000, maxFiles: 3))
        {
            // 100 lines of 100 bytes, one write each: 10 000 bytes through a 3 × 1000-byte budget.
            var lines = string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i:D3} ".PadRight(99, '.') + "\n"));
            await log.PumpAsync(new OneLinePerRead(lines));
        }

        var files = Directory.GetFiles(Path.GetDirectoryName(path)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { path, path + ".1", path + ".2" }, files);
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 1000));
        Assert.StartsWith("line 099", File.ReadAllLines(path)[^1]);
        Assert.StartsWith("line 080", File.ReadAllLines(path + ".1")[0]);
        Assert.All(files.SelectMany(File.ReadAllLines), l => Assert.Equal(99, l.Length));
    }

    [Fact]
    public async Task A_log_under_the_limit_is_appended_to_and_never_rotated()
    {
        var path = _home.File("app.log");
        File.WriteAllText(path, "from the previous run\n");
        using (var log = new LogFile(path, maxBytes: 1000, maxFiles: 3))
            await log.PumpAsync(new MemoryStream(Encoding.UTF8.GetBytes("and this one\n")));

        Assert.Equal(["from the previous run", "and this one"], File.ReadAllLines(path));
        Assert.False(File.Exists(path + ".1"));
    }

    public void Dispose() => _home.Dispose();

    /// <summary>A pipe that hands out one line per read, as a child writing line by line does.</summary>
    private sealed class OneLinePerRead(string text) : Stream
    {
        private readonly Queue<byte[]> _lines = new(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Encoding.UTF8.GetBytes(l + "\n")));

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_lines.TryDequeue(out var line)) return 0;
            line.CopyTo(buffer, offset);
            return line.Length;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
