using Trellis.Proxy.Listeners;
using Xunit;

namespace Trellis.Proxy.Tests.Listeners;

public sealed class RequestIdsTests
{
    [Fact]
    public void Ids_are_version_4_uuids_that_do_not_repeat_across_many_refills_of_the_buffer()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 10_000; i++)
        {
            var id = RequestIds.Next();
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
            Assert.True(seen.Add(id), $"{id} came twice");
        }
    }

    [Fact]
    public async Task Threads_draw_from_their_own_buffers_without_handing_out_the_same_id()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 2_000).Select(_ => RequestIds.Next()).ToList())));
        var all = ids.SelectMany(x => x).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }
}
