namespace Trellis.Runtime;

/// <summary>Kubernetes' probe thresholds: ready after <c>successThreshold</c> consecutive successes, not ready
/// after <c>failureThreshold</c> consecutive failures.</summary>
internal sealed class ReadinessCounter(int successThreshold, int failureThreshold)
{
    private readonly int _successThreshold = Math.Max(1, successThreshold);
    private readonly int _failureThreshold = Math.Max(1, failureThreshold);
    private int _successes;
    private int _failures;

    public bool Ready { get; private set; }

    /// <summary>Back to not ready, as after a container restart.</summary>
    public void Reset()
    {
        Ready = false;
        _successes = 0;
        _failures = 0;
    }

    public bool Record(bool success)
    {
        if (success)
        {
            _failures = 0;
            if (++_successes >= _successThreshold) Ready = true;
        }
        else
        {
            _successes = 0;
            if (++_failures >= _failureThreshold) Ready = false;
        }
        return Ready;
    }
}
