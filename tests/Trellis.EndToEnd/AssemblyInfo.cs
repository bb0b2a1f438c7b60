// Each scenario runs whole meshes of real processes; running them side by side on a small machine
// would make their timing assertions about the machine, not about Trellis.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
