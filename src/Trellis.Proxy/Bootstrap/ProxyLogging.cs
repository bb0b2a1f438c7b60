using Microsoft.Extensions.Logging;

namespace Trellis.Proxy.Bootstrap;

/// <summary>The proxy's console log: one line per event, UTC timestamps, each category at its logger's level in
/// <paramref name="levels"/>, which the admin endpoint changes at run time.</summary>
internal static class ProxyLogging
{
    public static ILoggerFactory Create(LogLevels levels) => LoggerFactory.Create(b => b.AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        o.UseUtcTimestamp = true;
    }).SetMinimumLevel(LogLevel.Trace)
      .AddFilter((category, level) => levels.IsEnabled(category, level)));
}
