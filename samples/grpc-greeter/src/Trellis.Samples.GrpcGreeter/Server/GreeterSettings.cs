using System.Globalization;

namespace Trellis.Samples.GrpcGreeter.Server;

/// <summary>What a greeter server is told by its environment, the way Bookinfo's services are: <c>PORT</c>,
/// <c>SERVICE_VERSION</c> (or the <c>serve VERSION</c> argument), <c>POD_NAME</c> (set by local mode), and
/// <c>ECHO_METADATA</c>, the comma-separated request headers to show back in replies.</summary>
internal sealed record GreeterSettings(int Port, string Version, string Pod, IReadOnlyList<string> EchoMetadata)
{
    public const int DefaultPort = 50051;
    public const string DefaultEchoMetadata = "end-user,x-request-id,traceparent";

    public static GreeterSettings? FromEnvironment(Func<string, string?> variable, string? versionArgument, out string? error)
    {
        error = null;
        var port = DefaultPort;
        if (variable("PORT") is { Length: > 0 } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            error = $"PORT must be a port number (0-65535), not '{text}'";
            return null;
        }
        var version = versionArgument ?? variable("SERVICE_VERSION") ?? "v1";
        var pod = variable("POD_NAME") ?? variable("HOSTNAME") ?? Environment.MachineName;
        var echo = (variable("ECHO_METADATA") ?? DefaultEchoMetadata)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => h.ToLowerInvariant())
            .ToList();
        return new GreeterSettings(port, version, pod, echo);
    }
}
