using System.IO.Pipelines;

namespace Trellis.Proxy.Listeners.ListenerFilters;

/// <summary>Hands the bytes a timed-out peek left in the pipe to the next reader at once. The peek marked them
/// examined while it waited for more, so the pipe's next read would wait for new bytes, which a client that has sent
/// its whole request never sends. The first read here takes what is buffered (a cancelled read returns at once and
/// is not reported as cancelled); after that this is the pipe's own reader.</summary>
internal sealed class ReplayingPipeReader(PipeReader inner) : PipeReader
{
    private bool _replayed;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_replayed) return await inner.ReadAsync(cancellationToken);
        _replayed = true;
        inner.CancelPendingRead();
        var buffered = await inner.ReadAsync(cancellationToken);
        return new ReadResult(buffered.Buffer, isCanceled: false, buffered.IsCompleted);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_replayed) return inner.TryRead(out result);
        _replayed = true;
        inner.CancelPendingRead();
        if (!inner.TryRead(out var buffered))
        {
            result = default;
            return false;
        }
        result = new ReadResult(buffered.Buffer, isCanceled: false, buffered.IsCompleted);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
