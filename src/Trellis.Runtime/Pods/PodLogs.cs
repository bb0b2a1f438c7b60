namespace Trellis.Runtime;

/// <summary>Where a local pod's container output is kept.</summary>
public static class PodLogs
{
    /// <summary><c>{home}/logs/{ns}/{pod}/{container}.log</c>.</summary>
    public static string PathFor(string home, string ns, string pod, string container) =>
        Path.Combine(home, "logs", ns, pod, container + ".log");
}
