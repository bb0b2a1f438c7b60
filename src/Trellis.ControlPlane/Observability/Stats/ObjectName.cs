namespace Trellis.ControlPlane.Observability.Stats;

/// <summary>A service or workload as the dashboard's query parameters name it: <c>NAMESPACE/NAME</c>.</summary>
internal readonly record struct ObjectName(string Namespace, string Name)
{
    public static bool TryParse(string? text, out ObjectName name)
    {
        name = default;
        if (text is null) return false;
        var slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0) return false;
        name = new ObjectName(text[..slash], text[(slash + 1)..]);
        return true;
    }

    /// <summary>False only when <paramref name="text"/> is given and malformed; a missing one is no filter (null).</summary>
    public static bool TryParseOptional(string? text, out ObjectName? name)
    {
        name = null;
        if (text is null) return true;
        if (!TryParse(text, out var parsed)) return false;
        name = parsed;
        return true;
    }
}
