namespace Trellis.ControlPlane.Identity;

/// <summary>The CA's or the token key's files cannot be used; the message names the file and what is wrong with it.</summary>
public sealed class IdentityConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
