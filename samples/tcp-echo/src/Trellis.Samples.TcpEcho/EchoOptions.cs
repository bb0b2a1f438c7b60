namespace Trellis.Samples.TcpEcho;

/// <summary>The command line of Istio's tcp-echo-server, <c>tcp-echo-server [PORT[,PORT...]] PREFIX</c>, plus
/// local mode's <c>$PORT</c>: the server always listens on <c>$PORT</c> when it is set (that is the port the
/// mesh routes to), and on every port listed as well. With neither it listens on 9000, Istio's port.</summary>
internal sealed record EchoOptions(IReadOnlyList<int> Ports, string Prefix)
{
    public const int DefaultPort = 9000;
    public const string Usage = "usage: tcp-echo-server [PORT[,PORT...]] PREFIX   (also listens on $PORT when set)";

    public static EchoOptions? Parse(IReadOnlyList<string> args, string? portVariable, out string? error)
    {
        error = null;
        if (args.Count is < 1 or > 2)
        {
            error = Usage;
            return null;
        }
        var ports = new List<int>();
        if (!string.IsNullOrEmpty(portVariable))
        {
            if (!TryPort(portVariable, out var port))
            {
                error = $"PORT must be a port number (1-65535), not '{portVariable}'";
                return null;
            }
            ports.Add(port);
        }
        if (args.Count == 2)
        {
            foreach (var text in args[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!TryPort(text, out var port))
                {
                    error = $"'{text}' is not a port number (1-65535)\n{Usage}";
                    return null;
                }
                if (!ports.Contains(port)) ports.Add(port);
            }
        }
        if (ports.Count == 0) ports.Add(DefaultPort);
        return new EchoOptions(ports, args[^1]);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
        && port is > 0 and <= 65535;
}
