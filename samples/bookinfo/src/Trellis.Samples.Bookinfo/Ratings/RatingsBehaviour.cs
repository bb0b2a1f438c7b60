namespace Trellis.Samples.Bookinfo.Ratings;

/// <summary>Decides, per request, whether ratings answers, fails or stalls, following its <see cref="RatingsMode"/>.</summary>
internal sealed class RatingsBehaviour(RatingsMode mode, TimeProvider clock, Func<double> random)
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(7);
    private static readonly TimeSpan UnavailablePeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan UnhealthyPeriod = TimeSpan.FromMinutes(15);

    private readonly DateTimeOffset _started = clock.GetUtcNow();

    public RatingsMode Mode => mode;

    /// <summary>Whether this request should get a 503.</summary>
    public bool ShouldFail() => mode switch
    {
        RatingsMode.Faulty => random() <= 0.5,
        RatingsMode.Unavailable => InSecondHalf(UnavailablePeriod),
        RatingsMode.Unhealthy => InSecondHalf(UnhealthyPeriod),
        _ => false,
    };

    /// <summary>How long to stall this request before answering.</summary>
    public TimeSpan DelayBeforeAnswer() => mode == RatingsMode.Delayed && random() <= 0.5 ? Delay : TimeSpan.Zero;

    public bool IsHealthy => mode != RatingsMode.Unhealthy || !InSecondHalf(UnhealthyPeriod);

    // Both toggling modes start in the good state and flip every period, as Istio's setInterval does.
    private bool InSecondHalf(TimeSpan period) => (long)((clock.GetUtcNow() - _started) / period) % 2 == 1;
}
