using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using Trellis.Config.Model;
using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>Binds YAML nodes to the model's records by reflection, reporting unknown fields (with a suggestion),
/// wrong scalar types, bad enum values, durations and regexes at the exact node.</summary>
internal sealed class NodeBinder(BindContext context)
{
    public T? Bind<T>(YamlNode node, string path) where T : class => Bind(node, typeof(T), path) as T;

    public object? Bind(YamlNode node, Type type, string path)
    {
        if (!context.Visit(node)) return null;
        if (ScalarReader.IsNull(node)) return null;
        // Depth is bounded before binding (InputLimits.MaxDepth); this keeps even a thread with a small stack safe.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var target = Nullable.GetUnderlyingType(type) ?? type;

        if (target == typeof(object)) return Untyped(node);
        if (ScalarReader.Handles(target))
        {
            if (node is YamlScalarNode scalar) return new ScalarReader(context).Read(scalar, target, path);
            context.Error(node, path, $"expected {ScalarReader.Describe(target)}, got {ScalarReader.DescribeNode(node)}");
            return null;
        }
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            return BindList(node, target.GetGenericArguments()[0], path);
        if (target.IsGenericType && target.GetGenericTypeDefinition() is var def
            && (def == typeof(ImmutableDictionary<,>) || def == typeof(IReadOnlyDictionary<,>)))
            return BindMap(node, target.GetGenericArguments()[1], path);
        if (ModelShape.IsModel(target)) return BindRecord(node, target, path);
        throw new InvalidOperationException($"The model type {target} is not bindable.");
    }

    private object? BindList(YamlNode node, Type element, string path)
    {
        if (node is not YamlSequenceNode list)
        {
            context.Error(node, path, $"expected a list, got {ScalarReader.DescribeNode(node)}");
            return null;
        }
        // An item that failed to bind is left out (its error is reported), so lists of the model never hold nulls.
        var items = new List<object>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var itemPath = FieldPath.Index(path, i);
            if (NullWhereValueExpected(list.Children[i], element, itemPath)) continue;
            if (Bind(list.Children[i], element, itemPath) is { } item) items.Add(item);
        }
        var builder = Array.CreateInstance(element, items.Count);
        for (var i = 0; i < items.Count; i++) builder.SetValue(items[i], i);
        var create = typeof(ImmutableArray).GetMethods()
            .First(m => m.Name == nameof(ImmutableArray.Create) && m.GetParameters() is [{ ParameterType.IsArray: true }])
            .MakeGenericMethod(element);
        return create.Invoke(null, [builder]);
    }

    private object? BindMap(YamlNode node, Type valueType, string path)
    {
        if (node is not YamlMappingNode map)
        {
            context.Error(node, path, $"expected a map, got {ScalarReader.DescribeNode(node)}");
            return null;
        }
        var builderType = typeof(ImmutableDictionary).GetMethods()
            .First(m => m.Name == nameof(ImmutableDictionary.CreateBuilder) && m.GetParameters().Length == 0)
            .MakeGenericMethod(typeof(string), valueType);
        var builder = (System.Collections.IDictionary)builderType.Invoke(null, null)!;
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (KeyOf(keyNode, path) is not { } key) continue;
            if (valueType != typeof(string) && NullWhereValueExpected(valueNode, valueType, FieldPath.Member(path, key))) continue;
            var value = Bind(valueNode, valueType, FieldPath.Member(path, key));
            if (value is null && valueType == typeof(string)) value = "";
            if (value is null) continue;
            builder[key] = value;
        }
        return builder.GetType().GetMethod("ToImmutable")!.Invoke(builder, null);
    }

    private object? BindRecord(YamlNode node, Type type, string path)
    {
        if (node is not YamlMappingNode map)
        {
            context.Error(node, path, $"expected an object with fields, got {ScalarReader.DescribeNode(node)}");
            return null;
        }
        var shape = ModelShape.Of(type);
        var instance = Activator.CreateInstance(type)!;
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (KeyOf(keyNode, path) is not { } key) continue;
            var fieldPath = FieldPath.Member(path, key);
            if (!shape.Fields.TryGetValue(key, out var property))
            {
                // A near miss is a typo and must not be applied; a field with no near match is most likely
                // from another mesh or a newer schema: warn and ignore it, as Kubernetes' field validation can.
                var hint = DidYouMean.Hint(key, shape.Fields.Keys);
                if (hint.Length > 0) context.Error(keyNode, fieldPath, $"unknown field \"{key}\"{hint}");
                else if (type.GetCustomAttribute<StrictFieldsAttribute>() is { } strict)
                    context.Error(keyNode, fieldPath, $"unknown field \"{key}\": {type.Name} has no such field; {strict.Advice}");
                else context.Warning(keyNode, fieldPath, $"unknown field \"{key}\" is ignored: {type.Name} has no such field");
                continue;
            }
            var value = Bind(valueNode, property.PropertyType, fieldPath);
            if (value is null) continue;
            Check(property, value, keyNode, valueNode, fieldPath, key);
            property.SetValue(instance, value);
        }
        return instance;
    }

    private void Check(PropertyInfo property, object value, YamlNode keyNode, YamlNode valueNode, string path, string key)
    {
        if (property.GetCustomAttribute<DeprecatedAttribute>() is { } deprecated)
            context.Warning(keyNode, path, $"field \"{key}\" is deprecated: {deprecated.Advice}");
        if (property.GetCustomAttribute<OneOfAttribute>() is { } oneOf && value is string s && !oneOf.Values.Contains(s, StringComparer.Ordinal))
            context.Error(valueNode, path, $"invalid value \"{s}\", expected one of {string.Join(", ", oneOf.Values)}{DidYouMean.Hint(s, oneOf.Values)}");
        if (property.GetCustomAttribute<RegexFieldAttribute>() is not null && value is string pattern && RegexCheck.Error(pattern) is { } problem)
            context.Error(valueNode, path, $"invalid regex \"{pattern}\": {problem}", DiagnosticCodes.InvalidRegexp);
    }

    /// <summary>A null list item or map value where the model needs one (<c>hosts: [~]</c>) is an error at that item:
    /// later steps rely on lists and maps of the model holding no nulls.</summary>
    private bool NullWhereValueExpected(YamlNode node, Type type, string path)
    {
        if (type == typeof(object) || !ScalarReader.IsNull(node)) return false;
        var expected = ScalarReader.Handles(Nullable.GetUnderlyingType(type) ?? type) ? ScalarReader.Describe(Nullable.GetUnderlyingType(type) ?? type) : "a value";
        context.Error(node, path, $"expected {expected}, got null");
        return true;
    }

    private string? KeyOf(YamlNode keyNode, string path)
    {
        if (keyNode is YamlScalarNode { Value: { } key }) return key;
        context.Error(keyNode, path, "map keys must be plain strings");
        return null;
    }

    private object? Untyped(YamlNode node)
    {
        if (!context.Visit(node)) return null;
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return node switch
        {
            YamlMappingNode map => map.Children
                .Where(kv => kv.Key is YamlScalarNode)
                .GroupBy(kv => ((YamlScalarNode)kv.Key).Value ?? "")
                .ToImmutableDictionary(g => g.Key, g => Untyped(g.Last().Value)),
            YamlSequenceNode list => list.Children.Select(Untyped).ToImmutableArray(),
            YamlScalarNode scalar when ScalarReader.IsNull(scalar) => null,
            YamlScalarNode scalar => scalar.Value,
            _ => null,
        };
    }
}
