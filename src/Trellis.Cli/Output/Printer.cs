using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Trellis.Cli.Output;

/// <summary>Renders command results as kubectl does: a plain table by default, or JSON/YAML.</summary>
internal static class Printer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Structured(object value, string format)
    {
        if (format == "yaml")
        {
            // Round-trip through JSON so YAML shows the same field names as -o json.
            var element = JsonSerializer.SerializeToElement(value, Json);
            Console.Write(ToYaml(element));
        }
        else
        {
            Console.WriteLine(JsonSerializer.Serialize(value, Json));
        }
    }

    public static string ToYaml(JsonElement element)
    {
        var serializer = new SerializerBuilder().WithNamingConvention(NullNamingConvention.Instance).Build();
        return serializer.Serialize(ToPlain(element));
    }

    /// <summary>kubectl-style table: upper-case headers, columns separated by spaces, no borders.</summary>
    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().NoBorder().HideRowSeparators();
        table.Border = TableBorder.None;
        foreach (var h in headers) table.AddColumn(new TableColumn(h.ToUpperInvariant()).PadLeft(0).PadRight(3));
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        console.Profile.Width = 400;
        console.Write(table);
    }

    private static object? ToPlain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
