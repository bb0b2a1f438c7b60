using System.Text.Json;

namespace Trellis.Samples.Bookinfo.Http;

/// <summary>What a backend call produced: its HTTP status (0 when no answer arrived) and its JSON body, if it parsed.</summary>
public sealed record BackendReply(int StatusCode, JsonElement? Json, string? Failure)
{
    /// <summary>A 200 with a JSON body: the only answer Bookinfo treats as success.</summary>
    public bool IsOk => StatusCode == 200 && Json is not null;

    /// <summary>The status to report upstream for a failure, as Istio's productpage does: the backend's, else 500.</summary>
    public int FailureStatus => StatusCode is > 0 and not 200 ? StatusCode : 500;
}
