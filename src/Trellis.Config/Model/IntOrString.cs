namespace Trellis.Config.Model;

/// <summary>Kubernetes' int-or-string (e.g. a container port number or its name).</summary>
public readonly record struct IntOrString
{
    /// <summary>A numeric value.</summary>
    public IntOrString(int value) => Int = value;

    /// <summary>A named value.</summary>
    public IntOrString(string value) => String = value;

    /// <summary>The number, when this is numeric.</summary>
    public int? Int { get; }

    /// <summary>The name, when this is a string.</summary>
    public string? String { get; }

    /// <inheritdoc/>
    public override string ToString() => Int?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? String ?? "";
}
