using Envoy.Config.Accesslog.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.AccessLoggers.File.V3;
using Envoy.Extensions.AccessLoggers.Stream.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Builders for a connection manager's access_log, as Envoy's configuration spells it.</summary>
internal static class AccessLogConfigs
{
    /// <summary>The listener with these access logs on its connection manager.</summary>
    public static Listener WithAccessLogs(this Listener listener, params AccessLog[] logs)
    {
        var filter = listener.FilterChains[0].Filters[0];
        var hcm = filter.TypedConfig.Unpack<HttpConnectionManager>();
        hcm.AccessLog.Add(logs);
        filter.TypedConfig = Any.Pack(hcm);
        return listener;
    }

    /// <summary>A file access log; Envoy's default format unless <paramref name="format"/> gives one.</summary>
    public static AccessLog File(string path, string? format = null, Struct? json = null)
    {
        var config = new FileAccessLog { Path = path };
        if (format is not null || json is not null) config.LogFormat = Format(format, json);
        return new AccessLog { Name = "envoy.access_loggers.file", TypedConfig = Any.Pack(config) };
    }

    /// <summary>The log with Envoy's CEL filter, as Istio writes a Telemetry access-log filter.</summary>
    public static AccessLog Filtered(AccessLog log, string expression)
    {
        log.Filter = new AccessLogFilter
        {
            ExtensionFilter = new ExtensionFilter
            {
                Name = "envoy.access_loggers.extension_filters.cel",
                TypedConfig = Any.Pack(new global::Envoy.Extensions.AccessLoggers.Filters.Cel.V3.ExpressionFilter { Expression = expression }),
            },
        };
        return log;
    }

    public static AccessLog Stdout(string? format = null) => new()
    {
        Name = "envoy.access_loggers.stdout",
        TypedConfig = Any.Pack(format is null ? new StdoutAccessLog() : new StdoutAccessLog { LogFormat = Format(format, null) }),
    };

    public static SubstitutionFormatString Format(string? text, Struct? json) => json is not null
        ? new SubstitutionFormatString { JsonFormat = json }
        : new SubstitutionFormatString { TextFormatSource = new DataSource { InlineString = text } };

    /// <summary>Waits until the file holds <paramref name="count"/> lines (the sink writes in the background).</summary>
    public static async Task<string[]> LinesAsync(string path, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            if (System.IO.File.Exists(path))
            {
                var lines = (await System.IO.File.ReadAllTextAsync(path)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (lines.Length >= count) return lines;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"{path} never held {count} line(s)");
    }
}
