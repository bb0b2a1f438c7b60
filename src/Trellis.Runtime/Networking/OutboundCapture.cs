namespace Trellis.Runtime;

/// <summary>Explicit outbound capture: the environment that makes HTTP clients send their traffic to a sidecar.</summary>
public static class OutboundCapture
{
    /// <summary>Every variable <see cref="Environment"/> sets, plus <c>all_proxy</c>, which some clients also read.</summary>
    public static IReadOnlyList<string> VariableNames { get; } =
        ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"];

    /// <summary>Both cases of the proxy variables (curl reads only lower-case <c>http_proxy</c>) and a loopback <c>no_proxy</c>.</summary>
    public static IReadOnlyDictionary<string, string> Environment(int outboundPort)
    {
        var proxy = $"http://127.0.0.1:{outboundPort}";
        const string direct = "localhost,127.0.0.1,::1";
        return new Dictionary<string, string>
        {
            ["http_proxy"] = proxy,
            ["HTTP_PROXY"] = proxy,
            ["https_proxy"] = proxy,
            ["HTTPS_PROXY"] = proxy,
            ["no_proxy"] = direct,
            ["NO_PROXY"] = direct,
        };
    }
}
