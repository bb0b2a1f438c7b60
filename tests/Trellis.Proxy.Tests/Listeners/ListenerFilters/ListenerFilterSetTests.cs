using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.ListenerFilters;

namespace Trellis.Proxy.Tests.Listeners.ListenerFilters;

/// <summary>Listener filters look at a connection's first bytes without taking them, within the listener filter timeout.</summary>
public sealed class ListenerFilterSetTests
{
    private static (DefaultConnectionContext Connection, PipeWriter Client) Connection()
    {
        var input = new Pipe();
        var output = new Pipe();
        var connection = new DefaultConnectionContext("test", new DuplexPipe(input.Reader, output.Writer), new DuplexPipe(output.Reader, input.Writer));
        return (connection, input.Writer);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    private static ListenerFilterSet Filters(TimeSpan timeout, bool continueOnTimeout = false) =>
        new([HttpInspector.Instance, TlsInspector.Instance], timeout, continueOnTimeout);

    [Fact]
    public async Task Every_byte_is_left_for_whoever_reads_next()
    {
        var (connection, client) = Connection();
        var request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray();
        var facts = new ConnectionFacts(null, null);
        var inspecting = Filters(TimeSpan.FromSeconds(10)).InspectAsync(connection, facts).AsTask();
        await client.WriteAsync(request.AsMemory(0, 5));
        await Task.Delay(100);
        Assert.False(inspecting.IsCompleted);
        await client.WriteAsync(request.AsMemory(5));
        Assert.True(await inspecting);
        Assert.Equal(new[] { "http/1.1" }, facts.ApplicationProtocols);
        Assert.Equal(ConnectionFacts.RawBuffer, facts.TransportProtocol);

        var read = await connection.Transport.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Encoding.ASCII.GetString(request), Encoding.ASCII.GetString(read.Buffer));
    }

    [Fact]
    public async Task A_connection_that_says_nothing_in_time_is_closed()
    {
        var (connection, client) = Connection();
        await client.WriteAsync("GET / HT"u8.ToArray());
        Assert.False(await Filters(TimeSpan.FromMilliseconds(200)).InspectAsync(connection, new ConnectionFacts(null, null)));
    }

    [Fact]
    public async Task With_continue_on_timeout_it_is_matched_with_what_was_found_and_its_bytes_are_still_there()
    {
        var (connection, client) = Connection();
        await client.WriteAsync("GET / HT"u8.ToArray());
        var facts = new ConnectionFacts(null, null);
        Assert.True(await Filters(TimeSpan.FromMilliseconds(200), continueOnTimeout: true).InspectAsync(connection, facts));
        Assert.Empty(facts.ApplicationProtocols);
        // Already examined bytes must not make the next reader wait for more.
        var read = await connection.Transport.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("GET / HT", Encoding.ASCII.GetString(read.Buffer));
    }

    [Fact]
    public async Task A_connection_closed_early_is_matched_with_what_arrived()
    {
        var (connection, client) = Connection();
        await client.WriteAsync("\x16\x03"u8.ToArray());
        await client.CompleteAsync();
        var facts = new ConnectionFacts(null, null);
        Assert.True(await Filters(TimeSpan.FromSeconds(10)).InspectAsync(connection, facts));
        Assert.Equal(ConnectionFacts.RawBuffer, facts.TransportProtocol);
    }
}
