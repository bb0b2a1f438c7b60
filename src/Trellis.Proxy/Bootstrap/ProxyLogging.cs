using Microsoft.Extensions.Logging;

namespace Trellis.Proxy.Bootstrap;

/// <summary>The proxy's console log: one line per event, UTC timestamps, framework chatter only when it matters.</summary>
internal static class ProxyLogging
{
    public static ILoggerFactory Create() => LoggerFactory.Create(b => b.AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        o.UseUtcTimestamp = true;
    }).SetMinimumLevel(LogLevel.Information)
      .AddFilter("Microsoft", LogLevel.Warning)
      .AddFilter("Yarp", LogLevel.Warning)
      .AddFilter("System.Net.Http", LogLevel.Warning));
}
