namespace Trellis.ControlPlane.Identity;

/// <summary>Why a certificate signing request was not signed.</summary>
/// <param name="identityMismatch">The request asked for an identity the caller did not prove (PermissionDenied),
/// rather than being malformed or weak (InvalidArgument).</param>
public sealed class CsrRefusedException(string message, bool identityMismatch = false) : Exception(message)
{
    public bool IdentityMismatch { get; } = identityMismatch;
}
