using Trellis.Config.Model;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics;

/// <summary>A subset that a later DestinationRule defines again for the same host: merging keeps the
/// definition of the older rule, <paramref name="KeptBy"/>, and drops this one.</summary>
public sealed record ShadowedSubset(Resource Rule, int Index, Subset Subset, Resource KeptBy, Subset Kept);
