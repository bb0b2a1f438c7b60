using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>Writes the Prometheus text format as UTF-8 straight into a buffer writer. A scrape of a busy proxy runs to
/// megabytes; building it as a string first cost four times its size in garbage per scrape. Over a
/// <see cref="PipeWriter"/> the text is flushed as it goes, so what a scrape holds stays bounded too.</summary>
internal sealed class PrometheusWriter(IBufferWriter<byte> output)
{
    private const int FlushThreshold = 64 * 1024;
    private static readonly byte[] Help = "# HELP "u8.ToArray();
    private static readonly byte[] Type = "# TYPE "u8.ToArray();
    private long _unflushed;

    /// <summary>Writes "# HELP name help" and "# TYPE name type".</summary>
    public void Header(byte[] name, string help, string type)
    {
        Raw(Help);
        Raw(name);
        Raw(" "u8);
        Text(help);
        Raw("\n"u8);
        Raw(Type);
        Raw(name);
        Raw(" "u8);
        Text(type);
        Raw("\n"u8);
    }

    /// <summary>Writes name+suffix{labels[,extra]} value; <paramref name="labels"/> is a series' pre-rendered label list
    /// (<see cref="PrometheusText.LabelList"/>), <paramref name="extra"/> one more label such as a bucket's le="...".</summary>
    public void Sample(byte[] name, ReadOnlySpan<byte> suffix, byte[] labels, ReadOnlySpan<byte> extra, long value)
    {
        Series(name, suffix, labels, extra);
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        Raw(digits[..written]);
        Raw("\n"u8);
    }

    /// <inheritdoc cref="Sample(byte[], ReadOnlySpan{byte}, byte[], ReadOnlySpan{byte}, long)"/>
    public void Sample(byte[] name, ReadOnlySpan<byte> suffix, byte[] labels, ReadOnlySpan<byte> extra, double value)
    {
        Series(name, suffix, labels, extra);
        Span<byte> digits = stackalloc byte[32];
        value.TryFormat(digits, out var written, "R", CultureInfo.InvariantCulture);
        Raw(digits[..written]);
        Raw("\n"u8);
    }

    /// <summary>Writes text as it is (an app's exposition merged after the proxy's).</summary>
    public void Text(string text)
    {
        _unflushed += Encoding.UTF8.GetBytes(text, output);
    }

    /// <summary>Hands what was written to the pipe's reader once enough has gathered; nothing to do for other writers.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken ct) =>
        output is PipeWriter pipe && _unflushed >= FlushThreshold ? FlushAsync(pipe, ct) : ValueTask.CompletedTask;

    private async ValueTask FlushAsync(PipeWriter pipe, CancellationToken ct)
    {
        _unflushed = 0;
        await pipe.FlushAsync(ct);
    }

    private void Series(byte[] name, ReadOnlySpan<byte> suffix, byte[] labels, ReadOnlySpan<byte> extra)
    {
        Raw(name);
        Raw(suffix);
        if (labels.Length > 0 || extra.Length > 0)
        {
            Raw("{"u8);
            Raw(labels);
            if (labels.Length > 0 && extra.Length > 0) Raw(","u8);
            Raw(extra);
            Raw("}"u8);
        }
        Raw(" "u8);
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        _unflushed += bytes.Length;
    }
}
