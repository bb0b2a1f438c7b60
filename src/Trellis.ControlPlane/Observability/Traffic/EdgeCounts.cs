namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>What crossed one edge in some time: requests by outcome, how many went over mutual TLS, and their durations.</summary>
internal sealed class EdgeCounts
{
    public long Requests { get; set; }

    /// <summary>Answered 5xx, or not answered at all (status 0): failures as success rates count them.</summary>
    public long ServerErrors { get; set; }

    public long ClientErrors { get; set; }

    /// <summary>Requests the destination's proxy saw arrive over mutual TLS.</summary>
    public long MutualTls { get; set; }

    /// <summary>Requests the destination's proxy reported at all, the denominator of <see cref="MutualTls"/>.</summary>
    public long DestinationReported { get; set; }

    public DurationHistogram Durations { get; } = new();

    public void Add(EdgeCounts other)
    {
        Requests += other.Requests;
        ServerErrors += other.ServerErrors;
        ClientErrors += other.ClientErrors;
        MutualTls += other.MutualTls;
        DestinationReported += other.DestinationReported;
        Durations.Add(other.Durations);
    }
}
