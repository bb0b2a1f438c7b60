using System.Text.Json;
using EnvoyBootstrap = Envoy.Config.Bootstrap.V3.Bootstrap;
using Google.Protobuf;
using Trellis.Xds;

namespace Trellis.Proxy.Static;

/// <summary>Reads an Envoy v3 bootstrap (YAML or JSON, chosen by extension as Envoy's <c>-c</c> does) into the
/// <see cref="EnvoyBootstrap"/> message, with Envoy's own field names and <c>@type</c>s resolved from the types this proxy
/// supports. Anything it cannot run is refused by its path, never dropped.</summary>
internal static class EnvoyBootstrapLoader
{
    // A bootstrap is a hand-written file; this keeps a mistaken path (a log, an image) from being read whole.
    private const long MaxBytes = 4 * 1024 * 1024;
    private const int MaxProblemsShown = 3;

    public static EnvoyBootstrap Load(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxBytes) throw new BootstrapException($"{path}: larger than {MaxBytes / (1024 * 1024)} MiB");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BootstrapException($"{path}: cannot read: {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Parses bootstrap text; <paramref name="file"/> names it in errors and its extension picks the format.</summary>
    public static EnvoyBootstrap Parse(string text, string file)
    {
        var json = Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".json" => text,
            ".yaml" or ".yml" => YamlToJson.Convert(text, file),
            var other => throw new BootstrapException($"{file}: unknown bootstrap format \"{other}\" (expected .yaml, .yml or .json)"),
        };
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new BootstrapException($"{file}: not valid JSON: {e.Message}");
        }
        using (document)
        {
            var problems = new ProtoJsonChecker(XdsAny.Registry).Check(document.RootElement, EnvoyBootstrap.Descriptor);
            if (problems.Count > 0)
            {
                var more = problems.Count > MaxProblemsShown ? $" (and {problems.Count - MaxProblemsShown} more)" : "";
                throw new BootstrapException($"{file}: {string.Join("; ", problems.Take(MaxProblemsShown))}{more}");
            }
        }
        try
        {
            return new JsonParser(JsonParser.Settings.Default.WithTypeRegistry(XdsAny.Registry)).Parse<EnvoyBootstrap>(json);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new BootstrapException($"{file}: {e.Message}");
        }
    }
}
