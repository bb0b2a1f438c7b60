using System.Diagnostics;
using Trellis.Proxy.AccessLogs;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.AccessLogs;

/// <summary>An access log whose destination does not take lines (a FIFO nobody reads) never holds requests up: lines
/// beyond the sink's queue are dropped and counted, and the queued ones are written once the destination drains.</summary>
public sealed class AccessLogDropTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private const int Capacity = 4;
    private const int Sent = 40;
    private readonly string _dir = Directory.CreateTempSubdirectory("trellis-access-log-").FullName;
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private int _outbound;

    private string Fifo => Path.Combine(_dir, "blocked.fifo");

    public async Task InitializeAsync()
    {
        using (var mkfifo = Process.Start("mkfifo", ["-m", "600", Fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        _app = await Upstream.StartAsync("reviews-app");
        _proxy = await TestProxy.StartAsync(accessLogCapacity: Capacity);
        _outbound = Ports.Free();
        await _proxy.PushAsync([Eds(Reviews)], [Endpoints(Reviews, _app.Port)],
            [Listener("virtualOutbound", _outbound, "outbound").WithAccessLogs(AccessLogConfigs.File(Fifo, "%REQ(:PATH)%\n"))],
            [Routes("outbound", Host("reviews", ["reviews:9080"], ToCluster(Reviews)))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_blocked_destination_drops_and_counts_lines_while_every_request_is_answered()
    {
        using var http = TestProxy.ClientVia(_outbound);
        for (var i = 0; i < Sent; i++) Assert.Equal("reviews-app", await http.GetStringAsync($"http://reviews:9080/r/{i}"));

        var dropped = _proxy.Runtime.AccessLogs.Dropped.Value([Fifo]);
        // The writer took at most a queue's worth before its open() blocked, and the queue holds at most Capacity more.
        Assert.InRange(dropped, Sent - 2 * Capacity, Sent - Capacity);
        Assert.Contains($"{AccessLogSinks.DroppedName}{{sink=\"{Fifo}\"}} {dropped}\n", await _proxy.Admin.GetStringAsync("/stats/prometheus"));

        // Reading the FIFO unblocks the writer: what was queued arrives, in order, and nothing else.
        await using var fifo = new FileStream(Fifo, FileMode.Open, FileAccess.Read);
        using var reader = new StreamReader(fifo);
        var written = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (written.Count < Sent - dropped && await reader.ReadLineAsync(timeout.Token) is { } line) written.Add(line);
        Assert.Equal(Sent - dropped, written.Count);
        Assert.Equal("/r/0", written[0]);
        Assert.Equal(written.OrderBy(p => int.Parse(p[3..])), written);
    }
}
