namespace Trellis.Proxy.Forwarding;

/// <summary>Envoy's response flags, as they appear in access logs and the response_flags metric label.</summary>
internal static class ResponseFlags
{
    public const string None = "-";
    public const string NoRoute = "NR";
    public const string NoClusterFound = "NC";
    public const string NoHealthyUpstream = "UH";
    public const string UpstreamConnectionFailure = "UF";
    public const string UpstreamRequestTimeout = "UT";
    public const string UpstreamRetryLimitExceeded = "URX";
    public const string UpstreamConnectionTermination = "UC";
    public const string UpstreamRemoteReset = "UR";
    public const string UpstreamOverflow = "UO";
    public const string DownstreamConnectionTermination = "DC";
    public const string DownstreamProtocolError = "DPE";
    public const string DirectResponse = "DR";
    public const string DelayInjected = "DI";
    public const string FaultInjected = "FI";
    public const string UnauthorizedExternalService = "UAEX";
    public const string DurationTimeout = "DT";
}
