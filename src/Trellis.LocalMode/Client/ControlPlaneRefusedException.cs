namespace Trellis.LocalMode;

/// <summary>The control plane answered 401: the message says which credential was missing or wrong.</summary>
public sealed class ControlPlaneRefusedException(string message) : Exception(message);
