using System.Text;
using Trellis.Config.Model;

namespace Trellis.Config;

/// <summary>Counts what one load has taken against <see cref="InputLimits"/> — bytes of manifests and objects — so an
/// apply and an analyze of the same files refuse the same inputs, each before reading or parsing more than it must.</summary>
public sealed class LoadBudget
{
    private long _bytes;
    private int _objects;

    /// <summary>Takes a file's size before it is read; an error naming the file and the limit when it does not fit.</summary>
    public Diagnostic? TakeBytes(string file, long bytes)
    {
        if (bytes > InputLimits.MaxBytes) return TooLarge(file, bytes);
        _bytes += bytes;
        if (_bytes > InputLimits.MaxBytes)
            return Refuse(file, $"the files of one apply add up to more than {InputLimits.Size(InputLimits.MaxBytes)} (the limit) with this one; apply them in parts");
        return null;
    }

    /// <summary>Takes the objects read from a file; an error naming the file and the limit when they do not fit.</summary>
    public Diagnostic? TakeObjects(string file, int count)
    {
        _objects += count;
        return _objects > InputLimits.MaxObjects
            ? Refuse(file, $"more than {InputLimits.MaxObjects} objects in one apply (the limit) with this file; apply them in parts")
            : null;
    }

    /// <summary>Reads a file within the limit: refused by its size before it is read, or as soon as it turns out larger
    /// while it is read (a pipe or a device reports no size, a file may grow).</summary>
    public string? ReadFile(string path, out Diagnostic? refused)
    {
        var length = new FileInfo(path).Length;
        refused = TakeBytes(path, length);
        if (refused is not null) return null;
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var text = ReadBounded(reader);
        if (text is null) refused = TooLarge(path, null);
        else if (length == 0 && text.Length > 0) refused = TakeBytes(path, Encoding.UTF8.GetByteCount(text));
        return refused is null ? text : null;
    }

    /// <summary>Reads text such as standard input, stopping as soon as it is certainly over <see cref="InputLimits.MaxBytes"/>;
    /// null then.</summary>
    public static string? ReadBounded(TextReader reader)
    {
        var text = new StringBuilder();
        var chunk = new char[64 * 1024];
        int read;
        while (text.Length <= InputLimits.MaxBytes && (read = reader.Read(chunk, 0, chunk.Length)) > 0) text.Append(chunk, 0, read);
        return text.Length > InputLimits.MaxBytes ? null : text.ToString();
    }

    /// <summary>The error for one file over the limit; <paramref name="bytes"/> is null when reading stopped at the limit.</summary>
    public static Diagnostic TooLarge(string file, long? bytes) =>
        Refuse(file, bytes is { } size
            ? $"file is {InputLimits.Size(size)}, over the limit of {InputLimits.Size(InputLimits.MaxBytes)} per apply"
            : $"input is larger than {InputLimits.Size(InputLimits.MaxBytes)}, the limit per apply");

    private static Diagnostic Refuse(string file, string message) =>
        Diagnostic.Error(DiagnosticCodes.InputLimitExceeded, message, new SourceLocation(file, 0, 0));
}
