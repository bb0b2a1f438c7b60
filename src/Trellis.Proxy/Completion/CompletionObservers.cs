using Microsoft.AspNetCore.Connections;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.Completion;

/// <summary>The process-wide observers (metrics, the local-reply log, the access logs that listeners configure):
/// builds each request's and tunnel's <see cref="CompletionRecord"/> once and hands it to every one of them.</summary>
internal sealed class CompletionObservers(IReadOnlyList<ICompletionObserver> observers)
{
    /// <summary>Called as a request starts: its body bytes are counted from here on, since Istio's request and
    /// response size histograms observe every request.</summary>
    public void RequestStarting(RequestContext context) => context.Bytes = BodyByteCounter.Install(context.Http);

    public void RequestCompleted(RequestContext context)
    {
        var record = CompletionRecord.ForRequest(context, WantsDetails(context));
        for (var i = 0; i < observers.Count; i++) observers[i].OnCompleted(in record);
    }

    public void ConnectionEstablished(RequestContext context, ConnectionContext downstream)
    {
        var record = CompletionRecord.ForConnection(context, downstream, WantsDetails(context));
        for (var i = 0; i < observers.Count; i++) observers[i].OnConnectionEstablished(in record);
    }

    public void ConnectionCompleted(RequestContext context, ConnectionContext downstream)
    {
        var record = CompletionRecord.ForConnection(context, downstream, WantsDetails(context));
        for (var i = 0; i < observers.Count; i++) observers[i].OnCompleted(in record);
    }

    /// <summary>Asked once per request or tunnel: its start and its end must agree on what was collected.</summary>
    private bool WantsDetails(RequestContext context) => context.DetailsWanted ??= AnyWantsDetails(context.Hcm);

    private bool AnyWantsDetails(HttpConnectionManagerModel hcm)
    {
        for (var i = 0; i < observers.Count; i++)
            if (observers[i].WantsDetails(hcm)) return true;
        return false;
    }
}
