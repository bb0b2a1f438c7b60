using System.Collections.Concurrent;
using System.Reflection;

namespace Trellis.Config.Loading;

/// <summary>The YAML fields of a model record: camelCase property names (or <see cref="FieldAttribute"/>, and any
/// <see cref="AlsoNamedAttribute"/>) mapped to settable properties.</summary>
internal sealed class ModelShape
{
    private static readonly ConcurrentDictionary<Type, ModelShape> Cache = new();

    private ModelShape(Type type)
    {
        Fields = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && p.GetIndexParameters().Length == 0)
            .SelectMany(p => new[] { p.GetCustomAttribute<FieldAttribute>()?.Name ?? CamelCase(p.Name), p.GetCustomAttribute<AlsoNamedAttribute>()?.Name }
                .OfType<string>().Select(name => (Name: name, Property: p)))
            .ToDictionary(f => f.Name, f => f.Property, StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, PropertyInfo> Fields { get; }

    public static ModelShape Of(Type type) => Cache.GetOrAdd(type, t => new ModelShape(t));

    /// <summary>True for the record types the binder fills field by field.</summary>
    public static bool IsModel(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(object) && type.GetConstructor(Type.EmptyTypes) is not null
        && type.Namespace?.StartsWith("Trellis.Config", StringComparison.Ordinal) == true;

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
