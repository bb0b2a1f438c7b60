using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.Completion;

/// <summary>Something that wants to know how each request and tunnel ended: metrics, the local-reply log,
/// access logs, and next tracing. Observers run on the request's own task after it has been answered, so
/// they must be quick and must not block: anything slow (writing a file) goes through a bounded queue.</summary>
internal interface ICompletionObserver
{
    /// <summary>True when this observer reads the record's details for requests that <paramref name="hcm"/> handles:
    /// header values, header dictionaries and body byte counts, which cost lookups and wrappers to collect.</summary>
    bool WantsDetails(HttpConnectionManagerModel hcm);

    /// <summary>A request or tunnel ended. The record's header dictionaries are valid only during this call.</summary>
    void OnCompleted(in CompletionRecord record);

    /// <summary>A tunnel's upstream connection is up and bytes start to flow (Envoy's flush_access_log_on_connected);
    /// the record's durations and byte counts are those of that moment.</summary>
    void OnConnectionEstablished(in CompletionRecord record)
    {
    }
}
