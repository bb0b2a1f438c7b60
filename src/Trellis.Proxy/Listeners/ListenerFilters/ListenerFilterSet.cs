using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Trellis.Proxy.Listeners.FilterChains;

namespace Trellis.Proxy.Listeners.ListenerFilters;

/// <summary>A listener's listener filters, run in order over each new connection within listener_filters_timeout
/// (when it expires the connection is closed, or matched with what was found so far if
/// continue_on_listener_filters_timeout). Every byte stays in the connection for the chain's network filter.</summary>
internal sealed record ListenerFilterSet(IReadOnlyList<IListenerFilter> Filters, TimeSpan Timeout, bool ContinueOnTimeout)
{
    /// <summary>Envoy's default listener_filters_timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static readonly ListenerFilterSet None = new([], DefaultTimeout, false);

    /// <summary>Fills <paramref name="facts"/>; false when the connection must be closed.</summary>
    public async ValueTask<bool> InspectAsync(ConnectionContext connection, ConnectionFacts facts)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan) timeout.CancelAfter(Timeout);
        try
        {
            foreach (var filter in Filters)
                if (await PeekAsync(input, filter, facts, timeout.Token) == PeekVerdict.Close) return false;
            return true;
        }
        catch (OperationCanceledException) when (ContinueOnTimeout && !connection.ConnectionClosed.IsCancellationRequested)
        {
            connection.Transport = new ReplayedTransport(new ReplayingPipeReader(input), connection.Transport.Output);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static async ValueTask<PeekVerdict> PeekAsync(PipeReader input, IListenerFilter filter, ConnectionFacts facts, CancellationToken ct)
    {
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var verdict = filter.Inspect(result.Buffer, result.IsCompleted, facts);
            if (verdict == PeekVerdict.NeedMore && !result.IsCompleted)
            {
                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }
            // Consume nothing: the next filter, the CONNECT reader and Kestrel read the same bytes again.
            input.AdvanceTo(result.Buffer.Start);
            return verdict == PeekVerdict.NeedMore ? PeekVerdict.Done : verdict;
        }
    }
}

/// <summary>The connection's transport with its input read through a <see cref="ReplayingPipeReader"/>.</summary>
internal sealed class ReplayedTransport(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;
    public PipeWriter Output { get; } = output;
}
