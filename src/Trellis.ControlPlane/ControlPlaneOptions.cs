namespace Trellis.ControlPlane;

/// <summary>Where the control plane keeps its state and which loopback ports it serves.</summary>
public sealed record ControlPlaneOptions(string Home, int XdsPort, int ApiPort);
