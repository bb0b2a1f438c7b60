using Trellis.Samples.Bookinfo.Hosting;
using Trellis.Samples.Tests.Harness;

namespace Trellis.Samples.Tests.Services;

/// <summary>Starts productpage wired to the given details, reviews and ratings base URLs.</summary>
internal static class ProductPageFixture
{
    public static Task<RunningService> StartAsync(Uri details, Uri reviews, Uri? ratings = null) =>
        RunningService.StartAsync(BookinfoService.ProductPage, new Dictionary<string, string>(
            RunningService.Backend("DETAILS", details)
                .Concat(RunningService.Backend("REVIEWS", reviews))
                .Concat(RunningService.Backend("RATINGS", ratings ?? new Uri($"http://127.0.0.1:{Ports.Closed()}/")))));

    /// <summary>The whole Bookinfo chain in-process: details, ratings, reviews of one version, productpage.</summary>
    public sealed class Chain : IAsyncDisposable
    {
        private readonly List<RunningService> _services = [];

        public RunningService ProductPage => _services[^1];

        public static async Task<Chain> StartAsync(string reviewsVersion, bool ratingsUp = true)
        {
            var chain = new Chain();
            var details = await chain.AddAsync(RunningService.StartAsync(BookinfoService.Details));
            var ratingsUrl = ratingsUp
                ? (await chain.AddAsync(RunningService.StartAsync(BookinfoService.Ratings))).Url
                : new Uri($"http://127.0.0.1:{Ports.Closed()}/");
            var reviews = await chain.AddAsync(RunningService.StartAsync(BookinfoService.Reviews, new Dictionary<string, string>(
                RunningService.Backend("RATINGS", ratingsUrl)) { ["SERVICE_VERSION"] = reviewsVersion, ["POD_NAME"] = $"reviews-{reviewsVersion}-0" }));
            await chain.AddAsync(ProductPageFixture.StartAsync(details.Url, reviews.Url, ratingsUrl));
            return chain;
        }

        private async Task<RunningService> AddAsync(Task<RunningService> start)
        {
            var service = await start;
            _services.Add(service);
            return service;
        }

        public async ValueTask DisposeAsync()
        {
            for (var i = _services.Count - 1; i >= 0; i--) await _services[i].DisposeAsync();
        }
    }
}
