namespace Trellis.ControlPlane;

/// <summary>Where the control plane keeps its state, which loopback ports it serves, and the mesh's admin
/// credential that every call changing or reading stored configuration must present.</summary>
public sealed record ControlPlaneOptions(string Home, int XdsPort, int ApiPort, string AdminCredential);
