using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Config.Model.Mesh;

namespace Trellis.ControlPlane.Translation.Authorization;

/// <summary>Mesh config pathNormalization → the HCM's normalization fields, exactly as istiod sets them
/// (listener_builder.go): escaped slashes are kept unless DECODE_AND_MERGE_SLASHES.</summary>
internal static class PathNormalization
{
    public static void Apply(HttpConnectionManager hcm, MeshSettings settings)
    {
        hcm.PathWithEscapedSlashesAction = HttpConnectionManager.Types.PathWithEscapedSlashesAction.KeepUnchanged;
        switch (settings.PathNormalization)
        {
            case ProxyPathNormalization.None:
                hcm.NormalizePath = false;
                break;
            case ProxyPathNormalization.MergeSlashes:
                hcm.NormalizePath = true;
                hcm.MergeSlashes = true;
                break;
            case ProxyPathNormalization.DecodeAndMergeSlashes:
                hcm.NormalizePath = true;
                hcm.MergeSlashes = true;
                hcm.PathWithEscapedSlashesAction = HttpConnectionManager.Types.PathWithEscapedSlashesAction.UnescapeAndForward;
                break;
            default:
                hcm.NormalizePath = true;
                break;
        }
    }
}
