using Envoy.Config.Accesslog.V3;
using Envoy.Config.Core.V3;
using Envoy.Extensions.AccessLoggers.File.V3;
using Envoy.Extensions.AccessLoggers.Stream.V3;
using Google.Protobuf.Collections;
using Trellis.Proxy.AccessLogs.Filters;
using Trellis.Proxy.AccessLogs.Formatting;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.AccessLogs;

/// <summary>Validates a connection manager's access_log entries (Envoy's envoy.config.accesslog.v3.AccessLog) and
/// compiles their formats and CEL filters. What this proxy cannot honour is refused by name, never ignored: an unknown
/// logger, and any other filter, since logging every request where a filter asked for some would be wrong.</summary>
internal static class AccessLogCompiler
{
    public const string Stdout = "envoy.access_loggers.stdout";
    public const string Stderr = "envoy.access_loggers.stderr";
    public const string File = "envoy.access_loggers.file";

    public static IReadOnlyList<AccessLogModel> Compile(string where, RepeatedField<AccessLog> logs)
    {
        if (logs.Count == 0) return [];
        var models = new AccessLogModel[logs.Count];
        for (var i = 0; i < logs.Count; i++) models[i] = Compile($"{where}: access_log[{i}] \"{logs[i].Name}\"", logs[i]);
        return models;
    }

    private static AccessLogModel Compile(string where, AccessLog log)
    {
        var filter = log.Filter is { } given ? Filter(where, given) : null;
        return Logger(where, log) with { Filter = filter };
    }

    /// <summary>Only the CEL extension filter, which Istio's Telemetry writes; any other filter is refused by name.</summary>
    private static CelAccessLogFilter Filter(string where, AccessLogFilter filter)
    {
        if (filter.FilterSpecifierCase != AccessLogFilter.FilterSpecifierOneofCase.ExtensionFilter)
            throw new ConfigException($"{where}: filter {FilterName(filter)} is not supported by this proxy (the CEL extension filter is)");
        var extension = filter.ExtensionFilter;
        if (extension.TypedConfig is not { } config || !config.TryUnpack<Envoy.Extensions.AccessLoggers.Filters.Cel.V3.ExpressionFilter>(out var cel))
            throw new ConfigException($"{where}: extension filter \"{extension.Name}\" is not supported by this proxy ({CelAccessLogFilter.ExtensionName} with an ExpressionFilter is)");
        return CelAccessLogFilter.Compile(where, cel.Expression);
    }

    private static AccessLogModel Logger(string where, AccessLog log)
    {
        if (log.TypedConfig is not { } config) throw new ConfigException($"{where}: has no typed_config");
        var type = config.TypeUrl[(config.TypeUrl.LastIndexOf('/') + 1)..];
        if (type == StdoutAccessLog.Descriptor.FullName)
            return new(log.Name, Formatter(where, config.Unpack<StdoutAccessLog>().LogFormat), AccessLogDestination.Stdout);
        if (type == StderrAccessLog.Descriptor.FullName)
            return new(log.Name, Formatter(where, config.Unpack<StderrAccessLog>().LogFormat), AccessLogDestination.Stderr);
        if (type == FileAccessLog.Descriptor.FullName)
        {
            var file = config.Unpack<FileAccessLog>();
            if (file.Path.Length == 0) throw new ConfigException($"{where}: FileAccessLog needs a path");
            var formatter = file.AccessLogFormatCase switch
            {
                FileAccessLog.AccessLogFormatOneofCase.Format => FormatParser.Text(file.Format, false, where),
                FileAccessLog.AccessLogFormatOneofCase.JsonFormat => FormatParser.Json(file.JsonFormat, false, where),
                FileAccessLog.AccessLogFormatOneofCase.TypedJsonFormat => FormatParser.Json(file.TypedJsonFormat, false, where),
                _ => Formatter(where, file.LogFormat),
            };
            return new(log.Name, formatter, new AccessLogDestination(AccessLogDestination.Stream.File, file.Path));
        }
        throw new ConfigException($"{where}: logger type {config.TypeUrl} is not supported by this proxy (supported: {Stdout}, {Stderr}, {File})");
    }

    /// <summary>A SubstitutionFormatString, Envoy's default format when none is given.</summary>
    private static AccessLogFormatter Formatter(string where, SubstitutionFormatString? format)
    {
        if (format is null) return FormatParser.Text(TextFormatter.DefaultFormat, false, where);
        var omit = format.OmitEmptyValues;
        return format.FormatCase switch
        {
            SubstitutionFormatString.FormatOneofCase.TextFormat => FormatParser.Text(format.TextFormat, omit, where),
            SubstitutionFormatString.FormatOneofCase.JsonFormat => FormatParser.Json(format.JsonFormat, omit, where),
            SubstitutionFormatString.FormatOneofCase.TextFormatSource => FormatParser.Text(InlineText(where, format.TextFormatSource), omit, where),
            _ => throw new ConfigException($"{where}: log_format sets no format (text_format_source or json_format)"),
        };
    }

    /// <summary>Only an inline format: a proxy reading files or environment variables named by the control plane would
    /// let config reach into the host.</summary>
    private static string InlineText(string where, DataSource source) => source.SpecifierCase switch
    {
        DataSource.SpecifierOneofCase.InlineString => source.InlineString,
        DataSource.SpecifierOneofCase.InlineBytes => source.InlineBytes.ToStringUtf8(),
        _ => throw new ConfigException($"{where}: text_format_source {source.SpecifierCase} is not supported; give inline_string"),
    };

    private static string FilterName(AccessLogFilter filter) => filter.FilterSpecifierCase switch
    {
        AccessLogFilter.FilterSpecifierOneofCase.None => "(empty)",
        var c => System.Text.RegularExpressions.Regex.Replace(c.ToString(), "(?<!^)([A-Z])", "_$1").ToLowerInvariant(),
    };
}
