using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>Builds the command line of a pod's sidecar; the pod's ports are already allocated. Called for every
/// (re)start of the sidecar.</summary>
public delegate ProcessStartInfo SidecarLauncher(PodState pod);
