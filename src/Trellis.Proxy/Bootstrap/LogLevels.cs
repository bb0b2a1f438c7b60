using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Trellis.Proxy.Bootstrap;

/// <summary>The proxy's loggers under Envoy-style names, with levels an operator changes at run time through the admin
/// endpoint's /logging (`trellis proxy-config log POD --level config:debug`), as Envoy's are. A log category belongs to
/// the logger with the longest matching prefix.</summary>
internal sealed class LogLevels
{
    /// <summary>Logger names and the categories they cover, ordered by name.</summary>
    public static readonly IReadOnlyList<(string Name, string[] Categories)> Loggers =
    [
        ("access_log", ["Trellis.Proxy.AccessLog"]),
        ("ads", ["Trellis.Proxy.Ads"]),
        ("config", ["Trellis.Proxy.Xds"]),
        ("dns", ["Trellis.Proxy.Dns"]),
        ("http", ["Microsoft.AspNetCore", "Microsoft"]),
        ("identity", ["Trellis.Proxy.Identity"]),
        ("listener", ["Trellis.Proxy.Listeners"]),
        ("local_reply", ["Trellis.Proxy.LocalReply"]),
        ("main", ["Trellis.Proxy"]),
        ("secret", ["Trellis.Proxy.Secrets"]),
        ("tcp_proxy", ["Trellis.Proxy.TcpProxy"]),
        ("upstream", ["Yarp", "System.Net.Http"]),
    ];

    /// <summary>Envoy's level names.</summary>
    public static readonly IReadOnlyDictionary<string, LogLevel> LevelNames = new Dictionary<string, LogLevel>(StringComparer.Ordinal)
    {
        ["trace"] = LogLevel.Trace, ["debug"] = LogLevel.Debug, ["info"] = LogLevel.Information, ["warning"] = LogLevel.Warning,
        ["error"] = LogLevel.Error, ["critical"] = LogLevel.Critical, ["off"] = LogLevel.None,
    };

    private readonly ConcurrentDictionary<string, LogLevel> _levels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string?> _loggerOfCategory = new(StringComparer.Ordinal);

    public LogLevels()
    {
        // The framework's own chatter only when it matters, as before levels could be changed.
        foreach (var (name, _) in Loggers) _levels[name] = name is "http" or "upstream" ? LogLevel.Warning : LogLevel.Information;
    }

    /// <summary>ASP.NET Core's per-request log: it writes only "Request starting/finished" (Information and Debug).</summary>
    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public bool IsEnabled(string? category, LogLevel level)
    {
        if (LoggerOf(category ?? "") is not { } logger) return true;
        var threshold = _levels[logger];
        // ASP.NET Core creates an Activity for every request whenever this category is enabled at all (it asks for
        // Critical), to give log scopes a trace id. Above Information the category has nothing to write, so it is off:
        // otherwise each request pays for an Activity, its ids and the incoming trace headers, for nothing.
        if (category == HostingDiagnostics && threshold > LogLevel.Information) return false;
        return level != LogLevel.None && level >= threshold;
    }

    /// <summary>Sets one logger's level, or every logger's when <paramref name="logger"/> is null; false for an unknown name.</summary>
    public bool Set(string? logger, string level)
    {
        if (!LevelNames.TryGetValue(level, out var value)) return false;
        if (logger is null)
        {
            foreach (var (name, _) in Loggers) _levels[name] = value;
            return true;
        }
        if (!_levels.ContainsKey(logger)) return false;
        _levels[logger] = value;
        return true;
    }

    /// <summary>Envoy's /logging listing: "active loggers:" then one "  name: level" line each.</summary>
    public string Describe() => "active loggers:\n" + string.Concat(Loggers.Select(l => $"  {l.Name}: {NameOf(_levels[l.Name])}\n"));

    private static string NameOf(LogLevel level) => LevelNames.First(l => l.Value == level).Key;

    private string? LoggerOf(string category) => _loggerOfCategory.GetOrAdd(category, static c => Loggers
        .SelectMany(l => l.Categories.Where(p => c == p || c.StartsWith(p + ".", StringComparison.Ordinal)).Select(p => (l.Name, p.Length)))
        .OrderByDescending(m => m.Length).Select(m => m.Name).FirstOrDefault());
}
