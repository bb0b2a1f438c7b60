using System.Net;
using System.Net.Sockets;
using System.Text;
using Trellis.Samples.Tests.Harness;
using Trellis.Samples.Tests.SampleSupport;

namespace Trellis.Samples.Tests.TcpEcho;

/// <summary>samples/tcp-echo/bin/tcp-echo-server as the manifests run it: Istio's tcp-echo protocol over real
/// sockets, on $PORT and on the extra ports its arguments list.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TcpEchoServerTests
{
    private static readonly string Script = SampleProcess.Script("tcp-echo", "tcp-echo-server");

    private static Task<SampleProcess> StartAsync(int port, params string[] args) =>
        SampleProcess.StartAsync(Script, args, new Dictionary<string, string> { ["PORT"] = port.ToString() }, port);

    /// <summary>Sends <paramref name="chunks"/> as separate writes, half-closes, and reads until the server closes.</summary>
    private static async Task<string> ExchangeAsync(int port, params string[] chunks)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        foreach (var chunk in chunks)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(chunk));
            await Task.Delay(20);
        }
        socket.Shutdown(SocketShutdown.Send);
        return await ReadToEndAsync(socket);
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) received.Write(buffer, 0, read);
        return Encoding.UTF8.GetString(received.ToArray());
    }

    [Fact]
    public async Task Every_line_comes_back_with_the_prefix()
    {
        var port = Ports.Closed();
        await using var server = await StartAsync(port, "one");
        Assert.Equal("one hello\n", await ExchangeAsync(port, "hello\n"));
    }

    [Fact]
    public async Task One_connection_carries_many_lines_split_anywhere_and_a_last_unterminated_line_is_answered_at_close()
    {
        var port = Ports.Closed();
        await using var server = await StartAsync(port, "two");
        var reply = await ExchangeAsync(port, "first\nsec", "ond\r\nthi", "rd\nno newline");
        Assert.Equal("two first\ntwo second\r\ntwo third\ntwo no newline", reply);
        Assert.Contains("request: second", await server.OutputOnceItHoldsAsync("request: second"));
    }

    [Fact]
    public async Task Replies_arrive_while_the_connection_stays_open()
    {
        var port = Ports.Closed();
        await using var server = await StartAsync(port, "one");
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var buffer = new byte[256];
        foreach (var word in new[] { "a", "b", "c" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(word + "\n"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.Equal($"one {word}\n", Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    [Fact]
    public async Task Concurrent_connections_are_served_independently()
    {
        var port = Ports.Closed();
        await using var server = await StartAsync(port, "one");
        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => ExchangeAsync(port, $"client {i}\n", $"again {i}\n")));
        for (var i = 0; i < replies.Length; i++) Assert.Equal($"one client {i}\none again {i}\n", replies[i]);
    }

    [Fact]
    public async Task It_listens_on_PORT_and_on_every_port_in_its_arguments()
    {
        var port = Ports.Closed();
        var extra = Ports.Closed();
        await using var server = await StartAsync(port, $"{extra},{port}", "one");
        Assert.Equal("one x\n", await ExchangeAsync(port, "x\n"));
        Assert.Equal("one y\n", await ExchangeAsync(extra, "y\n"));
    }

    [Theory]
    [InlineData(new string[0], "usage: tcp-echo-server")]
    [InlineData(new[] { "9000", "one", "extra" }, "usage: tcp-echo-server")]
    [InlineData(new[] { "90x0", "one" }, "'90x0' is not a port number")]
    public async Task A_bad_command_line_prints_why_and_exits_2(string[] args, string message)
    {
        var (exitCode, _, stderr) = await SampleProcess.RunAsync(Script, args);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public async Task A_bad_PORT_is_reported_by_name()
    {
        var (exitCode, _, stderr) = await SampleProcess.RunAsync(Script, ["one"], new Dictionary<string, string> { ["PORT"] = "tcp" });
        Assert.Equal(2, exitCode);
        Assert.Contains("PORT must be a port number", stderr);
    }
}
