using Trellis.ControlPlane.Observability.Scraping;

namespace Trellis.ControlPlane.Tests.Observability.Scraping;

/// <summary>A proxy that keeps not answering is asked less and less often, at least once a minute, and every round again
/// once it answers.</summary>
public sealed class ScrapeBackoffTests
{
    private static List<long> RoundsAsked(ScrapeBackoff backoff, string proxy, long from, long to, bool answers)
    {
        var asked = new List<long>();
        for (var round = from; round < to; round++)
        {
            if (!backoff.ShouldAsk(proxy, round)) continue;
            asked.Add(round);
            if (answers) backoff.Answered(proxy);
            else backoff.Failed(proxy, round);
        }
        return asked;
    }

    [Fact]
    public void A_proxy_that_does_not_answer_twice_sits_out_one_two_four_rounds_and_then_at_most_a_minute()
    {
        var backoff = new ScrapeBackoff();

        Assert.Equal([0, 1, 3, 6, 11, 20, 33, 46, 59], RoundsAsked(backoff, "reviews", 0, 60, answers: false));
        Assert.True(backoff.ShouldAsk("ratings", 1));
    }

    [Fact]
    public void A_proxy_that_answers_again_is_asked_every_round()
    {
        var backoff = new ScrapeBackoff();
        RoundsAsked(backoff, "reviews", 0, 20, answers: false);

        var next = Enumerable.Range(20, 40).First(r => backoff.ShouldAsk("reviews", r));
        backoff.Answered("reviews");

        Assert.Equal(Enumerable.Range(next + 1, 5).Select(r => (long)r), RoundsAsked(backoff, "reviews", next + 1, next + 6, answers: true));
    }

    [Fact]
    public void A_proxy_that_reconnects_after_it_was_forgotten_starts_afresh()
    {
        var backoff = new ScrapeBackoff();
        RoundsAsked(backoff, "reviews", 0, 20, answers: false);

        backoff.Keep(new HashSet<string>());

        Assert.True(backoff.ShouldAsk("reviews", 20));
    }
}
