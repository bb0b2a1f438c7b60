namespace Trellis.Xds.Client;

/// <summary>Which variant of ADS a client speaks, as Envoy's bootstrap api_type names them.</summary>
public enum XdsProtocol
{
    /// <summary>State of the world (GRPC): every response carries all of a type's resources.</summary>
    StateOfTheWorld,

    /// <summary>Incremental (DELTA_GRPC): responses carry what changed and what was removed.</summary>
    Incremental,
}
