using System.Collections.Concurrent;

namespace Trellis.Proxy.HttpFilters;

/// <summary>Numbers HTTP filter names for the life of the process. Listeners and route configurations arrive
/// separately, so both sides number the names they hold and meet on the number. The table grows only with
/// names the control plane has ever used, a handful in practice.</summary>
internal static class HttpFilterSlots
{
    private static readonly ConcurrentDictionary<string, int> Slots = new(StringComparer.Ordinal);
    private static int _next = -1;

    public static int Of(string name) =>
        Slots.TryGetValue(name, out var slot) ? slot : Slots.GetOrAdd(name, static _ => Interlocked.Increment(ref _next));
}
