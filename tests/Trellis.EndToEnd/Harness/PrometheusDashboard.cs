using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Trellis.EndToEnd.Harness;

/// <summary>`trellis dashboard prometheus --port N` run through the real CLI, and Prometheus's HTTP query API.</summary>
internal sealed class PrometheusDashboard : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;

    public int Port { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    private PrometheusDashboard(Process process, int port)
    {
        _process = process;
        Port = port;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public static PrometheusDashboard Start(TrellisCli cli, int port)
    {
        var process = Process.Start(cli.StartInfo(["dashboard", "prometheus", "--port", port.ToString(CultureInfo.InvariantCulture)]))!;
        process.StandardInput.Close();
        var dashboard = new PrometheusDashboard(process, port);
        process.OutputDataReceived += (_, e) => dashboard.Append(e.Data);
        process.ErrorDataReceived += (_, e) => dashboard.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return dashboard;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>An instant query's samples: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Prometheus refused {promql}: {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Like Ctrl-C: the CLI stops its Prometheus.
            Trellis.Runtime.Signals.Send(_process.Id, 2);
            if (!_process.WaitForExit(20_000)) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        _http.Dispose();
    }
}
