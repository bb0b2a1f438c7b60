using System.Globalization;
using System.Text;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>%START_TIME% and %START_TIME(FORMAT)%: the start in UTC, by default as "2016-04-15T20:17:00.310Z"; FORMAT is
/// strftime's, with Envoy's additions %s (epoch seconds) and %f / %1f..%9f (fractional seconds, nine digits by default).</summary>
internal sealed class StartTimeOperator : CommandOperator
{
    private readonly (char Specifier, int Digits, string? Literal)[] _parts;

    private StartTimeOperator((char, int, string?)[] parts) => _parts = parts;

    public static StartTimeOperator Default { get; } = Compile("%Y-%m-%dT%H:%M:%S.%3fZ", "");

    /// <summary>Compiles a strftime-like format; an unsupported specifier is an error naming it.</summary>
    public static StartTimeOperator Compile(string format, string where)
    {
        var parts = new List<(char, int, string?)>();
        var literal = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                literal.Append(format[i]);
                continue;
            }
            var c = format[++i];
            var digits = 0;
            if (c is >= '1' and <= '9' && i + 1 < format.Length && format[i + 1] == 'f')
            {
                digits = c - '0';
                c = format[++i];
            }
            if (c == '%')
            {
                literal.Append('%');
                continue;
            }
            if (!"YmdHMSyjeTFzZaAbBpIsf".Contains(c))
                throw new ConfigException($"{where}: START_TIME format \"{format}\": specifier %{c} is not supported");
            if (literal.Length > 0)
            {
                parts.Add(('\0', 0, literal.ToString()));
                literal.Clear();
            }
            parts.Add((c, c == 'f' && digits == 0 ? 9 : digits, null));
        }
        if (literal.Length > 0) parts.Add(('\0', 0, literal.ToString()));
        return new StartTimeOperator(parts.ToArray());
    }

    protected override bool TryAppendValue(StringBuilder output, in CompletionRecord record)
    {
        var t = record.StartTime;
        var culture = CultureInfo.InvariantCulture;
        foreach (var (specifier, digits, literal) in _parts)
        {
            switch (specifier)
            {
                case '\0': output.Append(literal); break;
                case 'Y': output.Append(t.Year.ToString("D4", culture)); break;
                case 'm': output.Append(t.Month.ToString("D2", culture)); break;
                case 'd': output.Append(t.Day.ToString("D2", culture)); break;
                case 'e': output.Append(t.Day.ToString(culture).PadLeft(2)); break;
                case 'H': output.Append(t.Hour.ToString("D2", culture)); break;
                case 'I': output.Append((t.Hour % 12 == 0 ? 12 : t.Hour % 12).ToString("D2", culture)); break;
                case 'p': output.Append(t.Hour < 12 ? "AM" : "PM"); break;
                case 'M': output.Append(t.Minute.ToString("D2", culture)); break;
                case 'S': output.Append(t.Second.ToString("D2", culture)); break;
                case 'y': output.Append((t.Year % 100).ToString("D2", culture)); break;
                case 'j': output.Append(t.DayOfYear.ToString("D3", culture)); break;
                case 'T': output.Append(t.ToString("HH:mm:ss", culture)); break;
                case 'F': output.Append(t.ToString("yyyy-MM-dd", culture)); break;
                case 'z': output.Append("+0000"); break;
                case 'Z': output.Append("UTC"); break;
                case 'a': output.Append(t.ToString("ddd", culture)); break;
                case 'A': output.Append(t.ToString("dddd", culture)); break;
                case 'b': output.Append(t.ToString("MMM", culture)); break;
                case 'B': output.Append(t.ToString("MMMM", culture)); break;
                case 's': output.Append(new DateTimeOffset(t).ToUnixTimeSeconds()); break;
                case 'f':
                    // Ticks are 100 ns: the ninth digit is always 0.
                    var fraction = (t.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", culture);
                    output.Append(fraction, 0, digits);
                    break;
            }
        }
        return true;
    }
}
