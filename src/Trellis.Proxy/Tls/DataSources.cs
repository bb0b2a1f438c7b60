using System.Text;
using Envoy.Config.Core.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Tls;

/// <summary>Reads an Envoy DataSource (filename, inline_bytes, inline_string, environment_variable) once, when the
/// resource that names it is compiled.</summary>
internal static class DataSources
{
    /// <summary>Certificates and keys are small; a larger source is a mistake or an attack on memory.</summary>
    private const int MaxBytes = 1024 * 1024;

    public static string ReadText(DataSource? source, string where, string field)
    {
        if (source is null) throw new ConfigException($"{where}: {field} is required");
        switch (source.SpecifierCase)
        {
            case DataSource.SpecifierOneofCase.InlineString:
                return Bounded(source.InlineString, where, field);
            case DataSource.SpecifierOneofCase.InlineBytes:
                if (source.InlineBytes.Length > MaxBytes) throw TooLarge(where, field);
                return Encoding.UTF8.GetString(source.InlineBytes.Span);
            case DataSource.SpecifierOneofCase.EnvironmentVariable:
                return Bounded(Environment.GetEnvironmentVariable(source.EnvironmentVariable)
                    ?? throw new ConfigException($"{where}: {field}: environment variable {source.EnvironmentVariable} is not set"), where, field);
            case DataSource.SpecifierOneofCase.Filename:
                try
                {
                    var info = new FileInfo(source.Filename);
                    if (info.Exists && info.Length > MaxBytes) throw TooLarge(where, field);
                    return File.ReadAllText(source.Filename);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    throw new ConfigException($"{where}: {field}: cannot read {source.Filename}: {e.Message}");
                }
            default:
                throw new ConfigException($"{where}: {field} is empty");
        }
    }

    private static string Bounded(string text, string where, string field) => text.Length > MaxBytes ? throw TooLarge(where, field) : text;

    private static ConfigException TooLarge(string where, string field) => new($"{where}: {field} is larger than {MaxBytes} bytes");
}
