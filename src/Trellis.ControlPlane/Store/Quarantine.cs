using System.Globalization;

namespace Trellis.ControlPlane.Store;

/// <summary>Stored files that could not be loaded at start-up, moved aside into the store's <c>quarantine</c> folder
/// with the reason beside each, so the control plane starts without them and nothing is lost.</summary>
internal sealed class Quarantine(string storeDirectory)
{
    private const string ReasonSuffix = ".reason";

    public string Directory { get; } = Path.Combine(storeDirectory, "quarantine");

    /// <summary>Moves a stored file aside and records why; returns where it went.</summary>
    public string Add(string path, string reason, DateTimeOffset now)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var target = Path.Combine(Directory, Path.GetFileName(path));
        if (File.Exists(target))
            target = Path.Combine(Directory, $"{Path.GetFileNameWithoutExtension(path)}.{now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}{Path.GetExtension(path)}");
        File.Move(path, target);
        File.WriteAllText(target + ReasonSuffix, $"{now:O} {OneLine(reason)}\n");
        return target;
    }

    /// <summary>Every quarantined file with its reason, oldest first.</summary>
    public IReadOnlyList<QuarantinedFile> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.EnumerateFiles(Directory)
            .Where(f => !f.EndsWith(ReasonSuffix, StringComparison.Ordinal))
            .Select(f => new QuarantinedFile(f, ReadReason(f)))
            .OrderBy(q => q.Reason, StringComparer.Ordinal)
            .ToList();
    }

    private static string ReadReason(string file)
    {
        try
        {
            return File.Exists(file + ReasonSuffix) ? File.ReadAllText(file + ReasonSuffix).Trim() : "no reason recorded";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"reason unreadable: {e.Message}";
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

/// <summary>One quarantined file and why it was set aside (the reason starts with when).</summary>
internal sealed record QuarantinedFile(string File, string Reason);
