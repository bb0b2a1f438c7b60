using System.Text.RegularExpressions;
using Trellis.Samples.Tests.Harness;
using Trellis.Samples.Tests.SampleSupport;

namespace Trellis.Samples.Tests.GrpcGreeter;

/// <summary>samples/grpc-greeter/bin/grpc-greeter as the manifests run it: the server on $PORT (h2c) and the
/// `call` client, a real Grpc.Net.Client, first straight to the server, then through an HTTP proxy via CONNECT,
/// the way it reaches a sidecar in a mesh.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class GreeterTests : IAsyncLifetime
{
    private static readonly string Script = SampleProcess.Script("grpc-greeter", "grpc-greeter");
    private readonly int _port = Ports.Closed();
    private SampleProcess _server = null!;

    [GeneratedRegex(@"^version=(?<version>\S+) pod=(?<pod>\S+) seq=(?<seq>\d+) message=""(?<message>[^""]*)""(?<metadata>.*)$")]
    private static partial Regex ReplyLine();

    public async Task InitializeAsync() =>
        _server = await SampleProcess.StartAsync(Script, ["serve"], new Dictionary<string, string>
        {
            ["PORT"] = _port.ToString(),
            ["SERVICE_VERSION"] = "v2",
            ["POD_NAME"] = "greeter-v2-test",
        }, _port);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(int ExitCode, string Stdout, string Stderr)> CallAsync(IReadOnlyDictionary<string, string>? env, params string[] args) =>
        SampleProcess.RunAsync(Script, ["call", .. args], env);

    private static List<Match> Replies(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => ReplyLine().Match(l)).Where(m => m.Success)];

    [Fact]
    public async Task Each_unary_call_is_answered_with_the_servers_version_and_pod_and_the_echoed_end_user()
    {
        var (exitCode, stdout, stderr) = await CallAsync(null, "--target", $"127.0.0.1:{_port}", "--count", "3", "--name", "ada", "--header", "end-user=jason");
        Assert.True(exitCode == 0, stdout + stderr);
        var replies = Replies(stdout);
        Assert.Equal(3, replies.Count);
        Assert.All(replies, r =>
        {
            Assert.Equal("v2", r.Groups["version"].Value);
            Assert.Equal("greeter-v2-test", r.Groups["pod"].Value);
            Assert.Equal("Hello ada", r.Groups["message"].Value);
            Assert.Contains("end-user=jason", r.Groups["metadata"].Value);
        });
        Assert.Contains("3 call(s): v2=3", stderr);
    }

    [Fact]
    public async Task A_stream_delivers_every_reply_in_order_then_status_OK_with_the_version_trailer()
    {
        var (exitCode, stdout, stderr) = await CallAsync(null, "--target", $"127.0.0.1:{_port}", "--stream", "5");
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Equal(["1", "2", "3", "4", "5"], Replies(stdout).Select(r => r.Groups["seq"].Value));
        Assert.Contains("status=OK received=5 trailers: greeter-version=v2", stdout);
    }

    [Fact]
    public async Task With_HTTP_PROXY_the_client_tunnels_to_the_service_name_through_CONNECT()
    {
        await using var proxy = new ConnectProxy(new Dictionary<string, int> { ["greeter:50051"] = _port });
        var env = new Dictionary<string, string> { ["HTTP_PROXY"] = proxy.Url.ToString() };
        var (exitCode, stdout, stderr) = await CallAsync(env, "--count", "4", "--header", "end-user=jason");
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Equal(4, Replies(stdout).Count(r => r.Groups["version"].Value == "v2"));
        // One channel, one connection, one tunnel: every call rides the same CONNECT.
        var head = Assert.Single(proxy.Heads);
        Assert.StartsWith("CONNECT greeter:50051 HTTP/1.1\r\nHost: greeter:50051\r\n", head);
    }

    [Fact]
    public async Task NO_PROXY_hosts_are_called_directly()
    {
        await using var proxy = new ConnectProxy(new Dictionary<string, int>());
        var env = new Dictionary<string, string> { ["HTTP_PROXY"] = proxy.Url.ToString(), ["NO_PROXY"] = "localhost,127.0.0.1" };
        var (exitCode, stdout, stderr) = await CallAsync(env, "--target", $"127.0.0.1:{_port}");
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Single(Replies(stdout));
        Assert.Empty(proxy.Heads);
    }

    [Fact]
    public async Task A_refused_tunnel_is_an_error_line_naming_the_proxys_answer_and_exit_code_1()
    {
        await using var proxy = new ConnectProxy(new Dictionary<string, int>());
        var env = new Dictionary<string, string> { ["HTTP_PROXY"] = proxy.Url.ToString() };
        var (exitCode, stdout, _) = await CallAsync(env, "--target", "nowhere:50051", "--timeout", "5");
        Assert.Equal(1, exitCode);
        Assert.StartsWith("error status=", stdout);
        Assert.Contains("CONNECT nowhere:50051", stdout);
        Assert.Contains("403 Forbidden", stdout);
    }

    [Theory]
    [InlineData(new[] { "call", "--count", "0" }, "bad option --count 0")]
    [InlineData(new[] { "call", "--header", "no-equals" }, "bad option --header no-equals")]
    [InlineData(new[] { "call", "--stream" }, "--stream needs a value")]
    [InlineData(new[] { "greet" }, "usage: grpc-greeter serve")]
    public async Task A_bad_command_line_prints_why_and_exits_2(string[] args, string message)
    {
        var (exitCode, _, stderr) = await SampleProcess.RunAsync(Script, args);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, stderr);
    }
}
