using System.Collections.Immutable;
using Trellis.Config.Model;
using Trellis.ControlPlane.Store;

namespace Trellis.ControlPlane.Inputs;

/// <summary>Where the mesh's desired configuration comes from: the file store behind the REST API today, a Kubernetes
/// API watcher later. Translation and push read only this.</summary>
internal interface IConfigSource
{
    /// <summary>Grows with every accepted change; a recomputation reads it with the objects it describes.</summary>
    long Version { get; }

    /// <summary>Every current object with the YAML it came from.</summary>
    ImmutableDictionary<ObjectKey, StoredObject> Objects { get; }

    /// <summary>The current resources in creation order, oldest first: the order DestinationRules merge in.</summary>
    IReadOnlyList<Resource> Resources { get; }

    /// <summary>Inputs the source could not load and set aside, each with why; the rest is served.</summary>
    IReadOnlyList<QuarantinedFile> Quarantined { get; }

    /// <summary>Raised after every accepted change, once the new objects and version can be read.</summary>
    event Action? Changed;
}
