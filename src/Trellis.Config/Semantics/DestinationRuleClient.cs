namespace Trellis.Config.Semantics;

/// <summary>The proxy a DestinationRule is looked up for: its namespace decides which rules it sees
/// (exportTo, namespace precedence), its labels which workloadSelector rules apply to it. Null labels
/// stand for "any workload of the namespace" and select no workloadSelector rule.</summary>
public sealed record DestinationRuleClient(string Namespace, IReadOnlyDictionary<string, string>? Labels = null);
