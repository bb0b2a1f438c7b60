using Trellis.Samples.TcpEcho;

// Istio's tcp-echo-server in C#: `tcp-echo-server [PORT[,PORT...]] PREFIX` answers every line with "PREFIX line".
var options = EchoOptions.Parse(args, Environment.GetEnvironmentVariable("PORT"), out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
// Local mode stops pods with SIGTERM; leaving through the normal path flushes the log.
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    stop.Cancel();
});

try
{
    await new EchoServer(options, Console.Out).RunAsync(stop.Token);
    return 0;
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"tcp-echo-server: cannot listen: {e.Message}");
    return 1;
}
