namespace Trellis.Runtime;

/// <summary>Writes pods.json after state changes, coalescing bursts into at most one write per 50 ms;
/// the snapshot is taken at write time, so the last change is always written.</summary>
internal sealed class PodStateWriter(string home, Func<IReadOnlyList<PodState>> snapshot)
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(50);
    private readonly object _gate = new();
    private readonly object _writeGate = new();
    private Task _pending = Task.CompletedTask;
    private bool _scheduled;
    private bool _closed;

    public void MarkDirty()
    {
        lock (_gate)
        {
            if (_scheduled || _closed) return;
            _scheduled = true;
            _pending = FlushLaterAsync();
        }
    }

    private async Task FlushLaterAsync()
    {
        await Task.Delay(Coalesce);
        lock (_gate) _scheduled = false;
        Write(snapshot());
    }

    /// <summary>Stops further writes and leaves <paramref name="final"/> as the file's content.</summary>
    public async Task CloseAsync(IReadOnlyList<PodState> final)
    {
        Task pending;
        lock (_gate)
        {
            _closed = true;
            pending = _pending;
        }
        await pending;
        Write(final);
    }

    private void Write(IReadOnlyList<PodState> pods)
    {
        lock (_writeGate)
        {
            try
            {
                PodStateStore.Write(home, pods);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The home may be gone (e.g. `trellis down` removed it); the next change retries.
            }
        }
    }
}
