using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Proxy.Configuration;
using EscapedSlashes = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager.Types.PathWithEscapedSlashesAction;

namespace Trellis.Proxy.Listeners.Paths;

/// <summary>The HCM's path settings: normalize_path (RFC 3986), merge_slashes and path_with_escaped_slashes_action.
/// Istio's mesh config pathNormalization maps onto them: NONE none, BASE normalize_path, MERGE_SLASHES adds
/// merge_slashes, DECODE_AND_MERGE_SLASHES adds UNESCAPE_AND_FORWARD.</summary>
internal sealed record PathNormalization(bool NormalizePath, bool MergeSlashes, EscapedSlashes EscapedSlashes)
{
    public static readonly PathNormalization None = new(false, false, EscapedSlashes.KeepUnchanged);

    /// <summary>Envoy's defaults: normalize_path and merge_slashes off, escaped slashes kept (IMPLEMENTATION_SPECIFIC_DEFAULT).</summary>
    public static PathNormalization From(HttpConnectionManager hcm, string where)
    {
        if (hcm.PathNormalizationOptions is not null)
            throw new ConfigException($"{where}: HttpConnectionManager path_normalization_options is not supported by this proxy");
        if (!Enum.IsDefined(hcm.PathWithEscapedSlashesAction))
            throw new ConfigException($"{where}: HttpConnectionManager path_with_escaped_slashes_action {(int)hcm.PathWithEscapedSlashesAction} is not a known action");
        var action = hcm.PathWithEscapedSlashesAction == EscapedSlashes.ImplementationSpecificDefault ? EscapedSlashes.KeepUnchanged : hcm.PathWithEscapedSlashesAction;
        var settings = new PathNormalization(hcm.NormalizePath ?? false, hcm.MergeSlashes, action);
        return settings == None ? None : settings;
    }
}
