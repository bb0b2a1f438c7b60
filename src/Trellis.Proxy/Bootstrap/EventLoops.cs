namespace Trellis.Proxy.Bootstrap;

/// <summary>How a proxy process serves its connections: as Envoy's worker threads do, a fixed number of event-loop
/// threads (Istio's ProxyConfig <c>concurrency</c>) each run every connection assigned to them from the socket's
/// readiness to the next await, instead of handing each completion to the thread pool. On a loaded machine the
/// hand-offs (a futex wake and a context switch each) cost a sidecar more CPU than its own request path.</summary>
internal static class EventLoops
{
    /// <summary>Istio's default for a sidecar's <c>concurrency</c>.</summary>
    public const int DefaultConcurrency = 2;

    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string ThreadCount = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>Whether socket completions run on the event-loop threads in this process. The runtime reads the same
    /// variable once, when the first socket operation starts the engine.</summary>
    public static bool Inline => Environment.GetEnvironmentVariable(InlineCompletions) == "1";

    /// <summary>Makes this process serve its sockets from <paramref name="concurrency"/> event loops (0: one per core).
    /// Must run before the process's first socket operation. What the environment already says wins: an operator
    /// who set the runtime's own variables meant them.</summary>
    public static void Use(int concurrency)
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null) Environment.SetEnvironmentVariable(InlineCompletions, "1");
        if (Environment.GetEnvironmentVariable(ThreadCount) is null)
            Environment.SetEnvironmentVariable(ThreadCount, (concurrency > 0 ? concurrency : Environment.ProcessorCount).ToString());
    }
}
