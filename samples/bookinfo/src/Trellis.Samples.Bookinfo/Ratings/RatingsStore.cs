using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Trellis.Samples.Bookinfo.Ratings;

/// <summary>Ratings by product: Istio's fixed ones (Reviewer1: 5, Reviewer2: 4) unless a POST replaced them, kept in memory.</summary>
internal sealed class RatingsStore
{
    /// <summary>Cap on stored products, so POSTs cannot grow memory without bound.</summary>
    public const int MaxProducts = 1000;

    private static readonly ImmutableSortedDictionary<string, int> Default =
        ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal).Add("Reviewer1", 5).Add("Reviewer2", 4);

    private readonly ConcurrentDictionary<int, ImmutableSortedDictionary<string, int>> _added = new();

    public RatingsAnswer Get(int productId) => new(productId, _added.GetValueOrDefault(productId, Default));

    /// <summary>Stores <paramref name="ratings"/> for the product; false when the store is full of other products.</summary>
    public bool TryPut(int productId, ImmutableSortedDictionary<string, int> ratings)
    {
        if (_added.Count >= MaxProducts && !_added.ContainsKey(productId)) return false;
        _added[productId] = ratings;
        return true;
    }
}

/// <summary>The JSON ratings answers with: <c>{"id":N,"ratings":{"Reviewer1":5,...}}</c>.</summary>
internal sealed record RatingsAnswer(int Id, IReadOnlyDictionary<string, int> Ratings);
