namespace Trellis.Config.Loading;

/// <summary>Overrides the YAML field name of a model property (default: the property name in camelCase).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class FieldAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>A second YAML name of a field: protobuf's own field name where Istio's parser also takes it (mesh config is read
/// by protojson, which accepts <c>custom_tags</c> as well as <c>customTags</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class AlsoNamedAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Restricts a string field to a set of values (Istio's enums); anything else is a schema error with a suggestion.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OneOfAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>Marks a field as deprecated: accepted, with a warning that names its replacement.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DeprecatedAttribute(string advice) : Attribute
{
    public string Advice { get; } = advice;
}

/// <summary>Marks a string field as a regular expression that must compile under RE2 rules (Envoy's regex engine).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RegexFieldAttribute : Attribute;

/// <summary>Marks a model whose unknown fields are errors rather than ignored with a warning (a schema Istio enforces
/// strictly, where a stray field means the user expects something that will not happen), with advice on what to use.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class StrictFieldsAttribute(string advice) : Attribute
{
    public string Advice { get; } = advice;
}
