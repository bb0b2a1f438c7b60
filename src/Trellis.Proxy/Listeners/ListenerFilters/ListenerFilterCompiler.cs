using Envoy.Config.Listener.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Listeners.ListenerFilters;

/// <summary>Builds a listener's listener filters as Envoy does: each found by its typed_config's type (by its name
/// when it has none), an unknown one refused (listener filters have no is_optional), and tls_inspector added at the
/// end when a filter chain matches on what only it can find but the listener does not list it.</summary>
internal static class ListenerFilterCompiler
{
    public static ListenerFilterSet Compile(string where, Listener listener, bool needsTlsInspector)
    {
        var filters = new List<IListenerFilter>();
        foreach (var f in listener.ListenerFilters) filters.Add(Compile(where, f));
        if (needsTlsInspector && !filters.Contains(TlsInspector.Instance)) filters.Add(TlsInspector.Instance);
        if (filters.Count == 0) return ListenerFilterSet.None;
        var timeout = listener.ListenerFiltersTimeout is null
            ? ListenerFilterSet.DefaultTimeout
            // Envoy: zero disables the timeout.
            : DurationField.PositiveOr(listener.ListenerFiltersTimeout, Timeout.InfiniteTimeSpan, where, "listener_filters_timeout");
        if (timeout > Timers.Longest) timeout = Timeout.InfiniteTimeSpan;
        return new ListenerFilterSet(filters, timeout, listener.ContinueOnListenerFiltersTimeout);
    }

    private static IListenerFilter Compile(string where, ListenerFilter filter)
    {
        var config = filter.TypedConfig;
        var kind = config?.TypeUrl ?? filter.Name;
        switch (kind)
        {
            case TlsInspector.TypeUrl or TlsInspector.FilterName:
                if (config is not null) CheckTlsInspector(where, Unpack<Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspector>(config));
                return TlsInspector.Instance;
            case HttpInspector.TypeUrl or HttpInspector.FilterName:
                if (config is not null && Unpack<Envoy.Extensions.Filters.Listener.HttpInspector.V3.HttpInspector>(config).CalculateSize() != 0)
                    throw new ConfigException($"{where}: listener filter {HttpInspector.FilterName}: has fields this proxy does not support");
                return HttpInspector.Instance;
            default:
                throw new ConfigException($"{where}: listener filter \"{filter.Name}\"{(config is null ? "" : $" ({config.TypeUrl})")} is not supported by this proxy");
        }

        T Unpack<T>(Any any) where T : IMessage<T>, new()
        {
            try
            {
                return any.Unpack<T>();
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new ConfigException($"{where}: listener filter \"{filter.Name}\": typed_config is not a valid {any.TypeUrl}: {e.Message}");
            }
        }
    }

    private static void CheckTlsInspector(string where, Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspector config)
    {
        var what = $"{where}: listener filter {TlsInspector.FilterName}";
        if (config.EnableJa3Fingerprinting == true) throw new ConfigException($"{what}: enable_ja3_fingerprinting is not supported by this proxy");
        // Envoy's bounds; the size only tunes the first read, this proxy reads what has arrived.
        if (config.InitialReadBufferSize is { } size && size is < 256 or > 65536)
            throw new ConfigException($"{what}: initial_read_buffer_size {size} is out of range (256-65536)");
        var known = new Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspector
        {
            EnableJa3Fingerprinting = config.EnableJa3Fingerprinting,
            InitialReadBufferSize = config.InitialReadBufferSize,
        };
        if (known.CalculateSize() != config.CalculateSize()) throw new ConfigException($"{what}: has fields this proxy does not support");
    }
}
