using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>What the local mesh tells its user while it starts, runs and stops; the CLI decides how it looks.</summary>
public interface ILocalMeshProgress
{
    /// <summary>A step of the mesh's life: started, applied, a pod event, a warning.</summary>
    void Step(string message);

    /// <summary>A plain line for the user, not a step.</summary>
    void Note(string line);

    /// <summary>A line for the error stream: a diagnostic, or why the mesh could not start.</summary>
    void Error(string line);

    /// <summary>The mesh is up: its pods and where to reach it.</summary>
    void Summary(MeshHome home, IReadOnlyList<PodState> pods, string ingressUrl);
}
