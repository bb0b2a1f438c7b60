using Grpc.Core;
using Trellis.Xds.Server;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>Responses wait for a free slot, so a storm of large first pushes is not held in memory at once; a node that
/// does not read cannot keep its slot.</summary>
public sealed class XdsSendGateTests
{
    /// <summary>A response stream whose writes finish only when the test says so.</summary>
    private sealed class HeldWriter : IServerStreamWriter<string>
    {
        public List<string> Started { get; } = [];
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(string message)
        {
            lock (Started) Started.Add(message);
            return Done.Task;
        }
    }

    [Fact]
    public async Task A_response_waits_while_every_slot_is_writing_and_goes_once_one_is_free()
    {
        var gate = new XdsSendGate(1, TimeSpan.FromMinutes(1));
        var first = new HeldWriter();
        var second = new HeldWriter();

        var firstSend = gate.SendAsync(first, () => "cds", CancellationToken.None);
        var secondSend = gate.SendAsync(second, () => "cds", CancellationToken.None);
        await Task.Delay(100);
        Assert.Empty(second.Started);

        first.Done.SetResult();
        await firstSend;
        await Eventually.HoldsAsync(() => second.Started.Count == 1, "the second response written");
        second.Done.SetResult();
        await secondSend;
    }

    [Fact]
    public async Task A_node_that_does_not_read_gives_its_slot_up_after_a_while()
    {
        var gate = new XdsSendGate(1, TimeSpan.FromMilliseconds(200));
        var stuck = new HeldWriter();
        var next = new HeldWriter();
        next.Done.SetResult();

        var stuckSend = gate.SendAsync(stuck, () => "cds", CancellationToken.None);
        await gate.SendAsync(next, () => "cds", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(stuckSend.IsCompleted);
        stuck.Done.SetResult();
        await stuckSend;
        // Both slots' releases happened once: the gate still admits exactly one writer at a time.
        var third = new HeldWriter();
        var fourth = new HeldWriter();
        var thirdSend = gate.SendAsync(third, () => "eds", CancellationToken.None);
        var fourthSend = gate.SendAsync(fourth, () => "eds", CancellationToken.None);
        await Task.Delay(100);
        Assert.Single(third.Started.Concat(fourth.Started));
        third.Done.SetResult();
        fourth.Done.SetResult();
        await Task.WhenAll(thirdSend, fourthSend);
    }

    [Fact]
    public async Task A_response_is_composed_only_once_its_slot_is_free()
    {
        var gate = new XdsSendGate(1, TimeSpan.FromMinutes(1));
        var first = new HeldWriter();
        var second = new HeldWriter();
        var composed = false;

        var firstSend = gate.SendAsync(first, () => "cds", CancellationToken.None);
        var secondSend = gate.SendAsync(second, () => { composed = true; return "cds"; }, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(composed);

        first.Done.SetResult();
        second.Done.SetResult();
        Assert.Equal("cds", await secondSend);
        Assert.True(composed);
        await firstSend;
    }

    [Fact]
    public async Task Nothing_to_send_writes_nothing_and_frees_the_slot()
    {
        var gate = new XdsSendGate(1, TimeSpan.FromMinutes(1));
        var writer = new HeldWriter();
        writer.Done.SetResult();

        Assert.Null(await gate.SendAsync<string>(writer, () => null, CancellationToken.None));
        Assert.Equal("eds", await gate.SendAsync(writer, () => "eds", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["eds"], writer.Started);
    }
}
