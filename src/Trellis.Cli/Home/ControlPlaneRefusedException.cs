namespace Trellis.Cli.Home;

/// <summary>The control plane answered 401: the message says which credential was missing or wrong.</summary>
internal sealed class ControlPlaneRefusedException(string message) : Exception(message);
