using System.Globalization;

namespace Trellis.Samples.GrpcGreeter.Client;

/// <summary><c>grpc-greeter call [--target HOST:PORT] [--count N | --stream N] [--name NAME] [--header K=V]...
/// [--timeout SECONDS]</c>: N unary calls on one channel, or one server-streaming call of N replies.</summary>
internal sealed record CallArguments(string Target, int Count, int? Stream, string Name, IReadOnlyList<KeyValuePair<string, string>> Headers, TimeSpan Timeout)
{
    public const string Usage =
        "usage: grpc-greeter call [--target HOST:PORT] [--count N | --stream N] [--name NAME] [--header KEY=VALUE]... [--timeout SECONDS]";

    public static CallArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        var target = "greeter:50051";
        var count = 1;
        int? stream = null;
        var name = "world";
        var headers = new List<KeyValuePair<string, string>>();
        var timeout = TimeSpan.FromSeconds(10);
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            if (option is "-h" or "--help")
            {
                error = Usage;
                return null;
            }
            if (i + 1 >= args.Count)
            {
                error = $"{option} needs a value\n{Usage}";
                return null;
            }
            var value = args[++i];
            switch (option)
            {
                case "--target":
                    target = value.Contains("://", StringComparison.Ordinal) ? new Uri(value).Authority : value;
                    break;
                case "--count" when Positive(value) is { } n:
                    count = n;
                    break;
                case "--stream" when Positive(value) is { } n:
                    stream = n;
                    break;
                case "--name":
                    name = value;
                    break;
                case "--header" when value.IndexOf('=') is > 0 and var eq:
                    headers.Add(new(value[..eq].Trim().ToLowerInvariant(), value[(eq + 1)..]));
                    break;
                case "--timeout" when Positive(value) is { } seconds:
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                default:
                    error = $"bad option {option} {value}\n{Usage}";
                    return null;
            }
        }
        return new CallArguments(target, count, stream, name, headers, timeout);
    }

    private static int? Positive(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
