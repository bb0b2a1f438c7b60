using Microsoft.Extensions.Logging;
using Trellis.Proxy.Bootstrap;

namespace Trellis.Proxy.Tests.Bootstrap;

/// <summary>Categories belong to Envoy-style loggers by their longest prefix, and ASP.NET Core's per-request log (which
/// makes the framework create an Activity per request whenever it is enabled at all) is off until it has something to write.</summary>
public sealed class LogLevelsTests
{
    private const string Hosting = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public void Categories_take_the_level_of_the_logger_with_the_longest_prefix()
    {
        var levels = new LogLevels();
        Assert.True(levels.IsEnabled("Trellis.Proxy.Xds.AdsClient", LogLevel.Information));
        Assert.True(levels.Set("config", "error"));
        Assert.False(levels.IsEnabled("Trellis.Proxy.Xds.AdsClient", LogLevel.Warning));
        Assert.True(levels.IsEnabled("Trellis.Proxy.Other", LogLevel.Information));
        Assert.False(levels.IsEnabled("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Information));
        Assert.True(levels.IsEnabled("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Warning));
    }

    [Fact]
    public void The_per_request_hosting_log_is_off_at_every_level_until_its_logger_asks_for_information()
    {
        var levels = new LogLevels();
        Assert.False(levels.IsEnabled(Hosting, LogLevel.Critical));
        Assert.True(levels.Set("http", "error"));
        Assert.False(levels.IsEnabled(Hosting, LogLevel.Critical));
        Assert.True(levels.Set("http", "info"));
        Assert.True(levels.IsEnabled(Hosting, LogLevel.Information));
        Assert.False(levels.IsEnabled(Hosting, LogLevel.Debug));
        Assert.True(levels.Set("http", "off"));
        Assert.False(levels.IsEnabled(Hosting, LogLevel.Critical));
    }
}
