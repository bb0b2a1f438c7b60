using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

// Usage: fake-workload [--listen PORT | --listen-env NAME] [--ready-file PATH] [--ready-after MS]
//                      [--record PATH] [--exit-after MS] [--exit-code N] [--ignore-sigterm] [--spawn-child]
// Every path answers 200 when ready (the ready file exists and --ready-after has passed), else 503.
var options = new Dictionary<string, string>();
for (var i = 0; i < args.Length; i++)
{
    var key = args[i];
    var takesValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
    options[key] = takesValue ? args[++i] : "";
}
var clock = Stopwatch.StartNew();
var record = options.GetValueOrDefault("--record");
var readyFile = options.GetValueOrDefault("--ready-file");
var readyAfter = int.Parse(options.GetValueOrDefault("--ready-after") ?? "0");
var recordGate = new object();
var firstReady = 0;

void Record(string kind, object? extra = null)
{
    if (record is null) return;
    var line = JsonSerializer.Serialize(new { kind, time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), pid = Environment.ProcessId, extra });
    lock (recordGate) File.AppendAllText(record, line + "\n");
}

using var sigterm = options.ContainsKey("--ignore-sigterm")
    ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true)
    : null;

int? childPid = null;
if (options.ContainsKey("--spawn-child"))
    childPid = Process.Start(new ProcessStartInfo("/bin/sleep", "300") { UseShellExecute = false })!.Id;

var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
Record("start", new { args, env = environment, cwd = Environment.CurrentDirectory, childPid });
Console.WriteLine($"fake-workload started, pid {Environment.ProcessId}");
Console.Error.WriteLine("fake-workload says hello on stderr");

if (options.TryGetValue("--exit-after", out var exitAfter))
{
    var code = int.Parse(options.GetValueOrDefault("--exit-code") ?? "0");
    _ = Task.Delay(int.Parse(exitAfter)).ContinueWith(_ => Environment.Exit(code), TaskScheduler.Default);
}

int? port = options.TryGetValue("--listen", out var p) ? int.Parse(p)
    : options.TryGetValue("--listen-env", out var name) ? int.Parse(Environment.GetEnvironmentVariable(name)!) : null;
if (port is null)
{
    await Task.Delay(Timeout.Infinite);
    return;
}

var listener = new TcpListener(IPAddress.Loopback, port.Value);
listener.Start();
Record("listening", new { port });
while (true)
{
    var client = await listener.AcceptTcpClientAsync();
    _ = Task.Run(async () =>
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var seen = new StringBuilder();
            int read;
            while (!seen.ToString().Contains("\r\n\r\n") && seen.Length < 16384 && (read = await stream.ReadAsync(buffer)) > 0)
                seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var ready = clock.ElapsedMilliseconds >= readyAfter && (readyFile is null || File.Exists(readyFile));
            if (ready && Interlocked.Exchange(ref firstReady, 1) == 0) Record("ready");
            var body = ready ? "ok" : "not ready";
            var response = $"HTTP/1.1 {(ready ? "200 OK" : "503 Service Unavailable")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
        }
    });
}
