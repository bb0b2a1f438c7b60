using System.Collections.Immutable;
using Trellis.Config;
using Trellis.Config.Model;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Inputs;

namespace Trellis.ControlPlane.Store;

/// <summary>The mesh's desired configuration: applied as a whole or not at all, persisted under
/// the mesh home so a restarted control plane serves exactly what was applied.</summary>
internal sealed class ConfigStore : IWritableConfigSource
{
    private readonly string _directory;
    private readonly object _writeLock = new();
    private readonly Quarantine _quarantine;
    private ImmutableDictionary<ObjectKey, StoredObject> _objects = ImmutableDictionary<ObjectKey, StoredObject>.Empty;
    private long _version;

    public ConfigStore(string directory)
    {
        _directory = directory;
        _quarantine = new Quarantine(directory);
        Directory.CreateDirectory(directory);
    }

    /// <summary>Raised after every accepted change, outside the write lock.</summary>
    public event Action? Changed;

    public long Version => Interlocked.Read(ref _version);

    public ImmutableDictionary<ObjectKey, StoredObject> Objects => Volatile.Read(ref _objects);

    /// <summary>The applied resources in creation order, oldest first: the order DestinationRules merge in.</summary>
    public IReadOnlyList<Resource> Resources => InCreationOrder(Objects.Values);

    /// <summary>Stored files that could not be loaded at start-up and were moved aside.</summary>
    public IReadOnlyList<QuarantinedFile> Quarantined => _quarantine.List();

    /// <summary>Reloads what earlier runs persisted. A file that no longer loads — unreadable, malformed, over a limit,
    /// or a second copy of an object — is quarantined and reported; the rest is served. Never throws.</summary>
    public IReadOnlyList<Diagnostic> LoadPersisted()
    {
        var diagnostics = new List<Diagnostic>();
        var builder = ImmutableDictionary.CreateBuilder<ObjectKey, StoredObject>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            string? problem;
            try
            {
                problem = LoadStored(path, builder, diagnostics);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problem = $"cannot read: {e.Message}";
            }
            if (problem is not null) diagnostics.Add(QuarantineFile(path, problem));
        }
        Volatile.Write(ref _objects, builder.ToImmutable());
        Interlocked.Increment(ref _version);
        return diagnostics;
    }

    /// <summary>Loads one stored file into <paramref name="builder"/>; the reason it cannot be served otherwise.</summary>
    private static string? LoadStored(string path, ImmutableDictionary<ObjectKey, StoredObject>.Builder builder, List<Diagnostic> diagnostics)
    {
        if (new FileInfo(path).Length > InputLimits.MaxBytes)
            return LoadBudget.TooLarge(path, new FileInfo(path).Length).ToString();
        var (origin, body) = OriginHeader.Split(File.ReadAllText(path));
        var parsed = ManifestParser.Parse([new ManifestFile(path, body)]);
        if (parsed.HasErrors) return parsed.Diagnostics.First(d => d.Severity == Severity.Error).ToString();
        diagnostics.AddRange(parsed.Diagnostics.Where(d => d.Severity == Severity.Warning));
        foreach (var (resource, yaml) in parsed.Objects)
        {
            var key = ObjectKey.Of(resource);
            if (builder.TryGetValue(key, out var first))
                return $"{key} is already stored in {first.Resource.Source.File}";
        }
        foreach (var (resource, yaml) in parsed.Objects)
            builder[ObjectKey.Of(resource)] = new StoredObject(resource, yaml, origin ?? path, File.GetLastWriteTimeUtc(path));
        return null;
    }

    private Diagnostic QuarantineFile(string path, string reason)
    {
        var at = new SourceLocation(path, 0, 0);
        try
        {
            var target = _quarantine.Add(path, reason, DateTimeOffset.UtcNow);
            return Diagnostic.Error(DiagnosticCodes.UnreadableInput, $"not loaded, quarantined to {target}: {reason}", at);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Diagnostic.Error(DiagnosticCodes.UnreadableInput, $"not loaded, and it could not be quarantined ({e.Message}): {reason}", at);
        }
    }

    public ApplyResponse Apply(ApplyRequest request)
    {
        var parsed = ManifestParser.Parse(request.Files);
        if (parsed.HasErrors)
            return Rejected(parsed.Diagnostics);

        lock (_writeLock)
        {
            var current = Objects;
            var now = DateTimeOffset.UtcNow;
            var next = current.ToBuilder();
            var results = new List<ObjectResult>();
            foreach (var (resource, yaml) in parsed.Objects)
            {
                var key = ObjectKey.Of(resource);
                var action = !current.TryGetValue(key, out var old) ? "created"
                    : old.Yaml.Trim() == yaml.Trim() ? "unchanged" : "configured";
                results.Add(new ObjectResult(key.ToString(), action));
                // One tick apart: the objects of one apply are written in document order, as kubectl writes them.
                next[key] = new StoredObject(resource, yaml, resource.Source.File, action == "unchanged" ? old!.Applied : now.AddTicks(results.Count));
            }

            var merged = next.ToImmutable();
            var applied = parsed.Objects.Select(o => ObjectKey.Of(o.Resource).ToString()).ToHashSet();
            var findings = MeshAnalyzer.Analyze(InCreationOrder(merged.Values))
                .Where(d => d.ObjectRef is null || applied.Contains(d.ObjectRef))
                .Concat(parsed.Diagnostics)
                .ToList();
            if (findings.Any(d => d.Severity == Severity.Error))
                return Rejected(findings);
            if (request.DryRun || results.All(r => r.Action == "unchanged"))
                return new ApplyResponse(true, Version, results, ToDtos(findings));

            foreach (var (resource, yaml) in parsed.Objects)
                Persist(ObjectKey.Of(resource), OriginHeader.Join(resource.Source.File, yaml));
            Volatile.Write(ref _objects, merged);
            Interlocked.Increment(ref _version);
            var response = new ApplyResponse(true, Version, results, ToDtos(findings));
            Changed?.Invoke();
            return response;
        }
    }

    public ApplyResponse Delete(ApplyRequest request)
    {
        var parsed = ManifestParser.Parse(request.Files);
        if (parsed.HasErrors)
            return Rejected(parsed.Diagnostics);
        lock (_writeLock)
        {
            var next = Objects;
            var results = new List<ObjectResult>();
            foreach (var (resource, _) in parsed.Objects)
            {
                var key = ObjectKey.Of(resource);
                results.Add(new ObjectResult(key.ToString(), next.ContainsKey(key) ? "deleted" : "not found"));
                next = next.Remove(key);
            }
            if (request.DryRun) return new ApplyResponse(true, Version, results, []);
            foreach (var key in Objects.Keys.Where(k => !next.ContainsKey(k)))
                File.Delete(Path.Combine(_directory, key.FileName));
            Volatile.Write(ref _objects, next);
            Interlocked.Increment(ref _version);
            var response = new ApplyResponse(true, Version, results, []);
            Changed?.Invoke();
            return response;
        }
    }

    // Istio's order for configs: creation time, then name and namespace when times are equal.
    private static IReadOnlyList<Resource> InCreationOrder(IEnumerable<StoredObject> objects) =>
        objects.OrderBy(o => o.Applied)
            .ThenBy(o => o.Key.Name, StringComparer.Ordinal)
            .ThenBy(o => o.Key.Namespace, StringComparer.Ordinal)
            .Select(o => o.Resource)
            .ToList();

    private void Persist(ObjectKey key, string yaml)
    {
        var path = Path.Combine(_directory, key.FileName);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, yaml.EndsWith('\n') ? yaml : yaml + "\n");
        File.Move(tmp, path, overwrite: true);
    }

    private ApplyResponse Rejected(IEnumerable<Diagnostic> diagnostics) => new(false, Version, [], ToDtos(diagnostics));

    internal static IReadOnlyList<DiagnosticDto> ToDtos(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Select(d => new DiagnosticDto(
            d.Severity.ToString(), d.Code, d.Message, d.File, d.Line, d.Column, d.ObjectRef, d.FieldPath, d.ToString())).ToList();
}
