using Envoy.Config.Accesslog.V3;
using Envoy.Extensions.AccessLoggers.File.V3;
using Envoy.Extensions.AccessLoggers.Stream.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.AccessLogs;
using Trellis.Proxy.AccessLogs.Formatting;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.AccessLogs;

/// <summary>An HCM's access_log entries: the loggers Envoy names stdout, stderr and file, with Envoy's CEL filter; anything
/// else, and any other filter, is refused by name so a configuration never logs more (or less) than it asked for.</summary>
public class AccessLogCompilerTests
{
    private static IReadOnlyList<AccessLogModel> Compile(params AccessLog[] logs)
    {
        var field = new RepeatedField<AccessLog>();
        field.Add(logs);
        return AccessLogCompiler.Compile("listener \"virtualOutbound\"", field);
    }

    [Fact]
    public void Stdout_stderr_and_file_loggers_go_to_their_destinations()
    {
        var models = Compile(
            AccessLogConfigs.Stdout(),
            new AccessLog { Name = "envoy.access_loggers.stderr", TypedConfig = Any.Pack(new StderrAccessLog()) },
            AccessLogConfigs.File("/tmp/access.log", "%RESPONSE_CODE%\n"));

        Assert.Equal(AccessLogDestination.Stdout, models[0].Destination);
        Assert.Equal(AccessLogDestination.Stderr, models[1].Destination);
        Assert.Equal(new AccessLogDestination(AccessLogDestination.Stream.File, "/tmp/access.log"), models[2].Destination);
        Assert.All(models, m => Assert.IsType<TextFormatter>(m.Formatter));
    }

    [Fact]
    public void A_file_logs_legacy_json_format_is_a_json_formatter()
    {
        var file = new FileAccessLog { Path = "/tmp/a.log", JsonFormat = Struct.Parser.ParseJson("""{"code": "%RESPONSE_CODE%"}""") };

        var model = Compile(new AccessLog { Name = "envoy.access_loggers.file", TypedConfig = Any.Pack(file) }).Single();

        Assert.IsType<JsonFormatter>(model.Formatter);
    }

    [Fact]
    public void An_unknown_logger_type_is_refused_naming_it()
    {
        var e = Assert.Throws<ConfigException>(() => Compile(new AccessLog { Name = "envoy.access_loggers.http_grpc", TypedConfig = Any.Pack(new Router()) }));

        Assert.Equal("listener \"virtualOutbound\": access_log[0] \"envoy.access_loggers.http_grpc\": logger type type.googleapis.com/envoy.extensions.filters.http.router.v3.Router " +
            "is not supported by this proxy (supported: envoy.access_loggers.stdout, envoy.access_loggers.stderr, envoy.access_loggers.file)", e.Message);
    }

    [Fact]
    public void A_logger_without_typed_config_is_refused()
    {
        var e = Assert.Throws<ConfigException>(() => Compile(new AccessLog { Name = "envoy.access_loggers.stdout" }));

        Assert.Contains("access_log[0] \"envoy.access_loggers.stdout\": has no typed_config", e.Message);
    }

    [Fact]
    public void Any_filter_but_cel_is_refused_naming_it_instead_of_logging_everything()
    {
        var log = AccessLogConfigs.Stdout();
        log.Filter = new AccessLogFilter { StatusCodeFilter = new StatusCodeFilter() };

        var e = Assert.Throws<ConfigException>(() => Compile(log));

        Assert.Contains("access_log[0] \"envoy.access_loggers.stdout\": filter status_code_filter is not supported", e.Message);
    }

    private static AccessLog WithCel(string expression) => AccessLogConfigs.Filtered(AccessLogConfigs.Stdout(), expression);

    [Fact]
    public void A_cel_filter_is_compiled_with_its_logger()
    {
        Assert.Equal("response.code >= 400", Compile(WithCel("response.code >= 400")).Single().Filter!.Expression);
    }

    [Theory]
    [InlineData("response.code >=", "does not parse")]
    [InlineData("", "is empty")]
    public void A_cel_filter_that_does_not_parse_is_refused(string expression, string reason)
    {
        var e = Assert.Throws<ConfigException>(() => Compile(WithCel(expression)));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Hostile_cel_filters_are_refused_before_the_parser_sees_them()
    {
        Assert.Contains("nests deeper", Assert.Throws<ConfigException>(() => Compile(WithCel(new string('(', 100) + "1" + new string(')', 100)))).Message);
        Assert.Contains("longer than", Assert.Throws<ConfigException>(() => Compile(WithCel("request.path == '" + new string('a', 5000) + "'"))).Message);
    }

    [Fact]
    public void A_file_logger_needs_a_path()
    {
        var e = Assert.Throws<ConfigException>(() => Compile(AccessLogConfigs.File("")));

        Assert.Contains("FileAccessLog needs a path", e.Message);
    }

    [Fact]
    public void An_unknown_operator_is_refused_with_the_logger_that_used_it()
    {
        var e = Assert.Throws<ConfigException>(() => Compile(AccessLogConfigs.Stdout(), AccessLogConfigs.File("/tmp/a.log", "%CONNECTION_ID%\n")));

        Assert.StartsWith("listener \"virtualOutbound\": access_log[1] \"envoy.access_loggers.file\": command operator %CONNECTION_ID% is not supported", e.Message);
    }
}
