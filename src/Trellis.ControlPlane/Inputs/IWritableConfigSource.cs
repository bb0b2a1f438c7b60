using Trellis.ControlPlane.Api;

namespace Trellis.ControlPlane.Inputs;

/// <summary>A config source that takes changes itself, which the REST API's apply and delete then serve; a source
/// whose truth lives elsewhere (a Kubernetes API server) is not one, and those calls are not offered.</summary>
internal interface IWritableConfigSource : IConfigSource
{
    /// <summary>Validates and stores the objects as a whole, or rejects them as a whole with the reasons.</summary>
    ApplyResponse Apply(ApplyRequest request);

    /// <summary>Removes the objects named; absent ones are reported, not an error.</summary>
    ApplyResponse Delete(ApplyRequest request);
}
