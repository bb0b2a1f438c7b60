using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Trellis.Xds.Tests.Conformance;

/// <summary>tests/xds-conformance/client.js as a child process: @grpc/grpc-js-xds resolving a target
/// through the ADS server named in its bootstrap file.</summary>
internal sealed class NodeXdsClient : IAsyncDisposable
{
    private static readonly string[] ProxyVariables = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "grpc_proxy", "all_proxy", "ALL_PROXY"];
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();

    private NodeXdsClient(Process process) => _process = process;

    /// <summary>What the client wrote to stderr so far (trimmed to its end), for failure messages.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr) return _stderr.Length <= 4000 ? _stderr.ToString() : _stderr.ToString(_stderr.Length - 4000, 4000);
        }
    }

    public static NodeXdsClient Start(string bootstrapPath, string target, int calls)
    {
        Assert.True(ConformanceFolder.NodeModulesPresent,
            $"npm packages missing in {ConformanceFolder.Path}: run `npm ci --prefix tests/xds-conformance`");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ConformanceFolder.Path,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("client.js");
        start.ArgumentList.Add(target);
        start.ArgumentList.Add(calls.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Loopback only: a proxy inherited from the environment must not sit between client and server.
        foreach (var name in ProxyVariables) start.Environment.Remove(name);
        start.Environment["no_proxy"] = "127.0.0.1,localhost";
        start.Environment["no_grpc_proxy"] = "127.0.0.1,localhost";
        start.Environment["GRPC_XDS_BOOTSTRAP"] = bootstrapPath;
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var client = new NodeXdsClient(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) client._lines.Writer.TryComplete();
            else client._lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (client._stderr) client._stderr.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return client;
    }

    /// <summary>The next stdout line; fails with the client's stderr if it exits or times out first.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cts.Token) && _lines.Reader.TryRead(out var line)) return line;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"node client.js printed nothing within {timeout.TotalSeconds} s. stderr:\n{Stderr}");
        }
        await _process.WaitForExitAsync(CancellationToken.None);
        Assert.Fail($"node client.js exited with {_process.ExitCode} before answering. stderr:\n{Stderr}");
        return "";
    }

    /// <summary>Closes stdin, which ends the client; kills it if it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
