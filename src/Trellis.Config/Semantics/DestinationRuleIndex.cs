using Trellis.Config.Model;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics;

/// <summary>Which DestinationRule applies to traffic from a client to a host, answered as istiod answers it
/// (PushContext.setDestinationRules, mergeDestinationRule and destinationRule, SidecarScope.DestinationRule),
/// so that the analyzer and the translator never disagree.</summary>
public sealed class DestinationRuleIndex
{
    private const string Private = ".";
    private const string Public = "*";
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private readonly Dictionary<string, Bucket> _namespaceLocal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Bucket> _exported = new(StringComparer.Ordinal);
    private readonly Bucket _rootLocal = new();
    private readonly List<(Resource Rule, IReadOnlyDictionary<string, string> Selector)> _selectorRules = [];
    private readonly List<ShadowedSubset> _shadowed = [];
    private readonly HashSet<(Resource, int)> _shadowedSeen = [];

    private readonly bool _privateByDefault;

    /// <param name="resources">The mesh's resources in creation order, oldest first; kinds other than
    /// DestinationRule are skipped. Ties in creation time are the caller's to break (Istio: by name, then namespace).</param>
    /// <param name="settings">The mesh config in force: its rootNamespace and defaultDestinationRuleExportTo.</param>
    public DestinationRuleIndex(IEnumerable<Resource> resources, MeshSettings settings)
    {
        RootNamespace = settings.RootNamespace;
        _privateByDefault = settings.ExportToDefaults.DestinationRulePrivate;
        // Rules with a workload selector go first; LINQ's sort is stable, so creation order holds within each group.
        var rules = resources
            .Where(r => r.Kind == "DestinationRule" && r.Spec is DestinationRuleSpec { Host.Length: > 0 })
            .OrderBy(r => ((DestinationRuleSpec)r.Spec!).WorkloadSelector is null);
        foreach (var rule in rules) Add(rule);
    }

    /// <summary>The mesh config's root namespace: its exported rules apply to clients that nothing closer covers.</summary>
    public string RootNamespace { get; }

    /// <summary>Subsets that a later rule defines again for a host: the older definition is the one in force.</summary>
    public IReadOnlyList<ShadowedSubset> Shadowed => _shadowed;

    /// <summary>The rule that applies to traffic from <paramref name="client"/> to <paramref name="host"/> (an FQDN of a
    /// service in <paramref name="serviceNamespace"/>): a workloadSelector rule of the client's namespace that selects
    /// the client, else the merged rule without selector; null when no rule applies.</summary>
    public EffectiveDestinationRule? For(string host, string serviceNamespace, DestinationRuleClient client)
    {
        EffectiveDestinationRule? catchAll = null;
        foreach (var rule in Candidates(host, serviceNamespace, client.Namespace))
        {
            if (rule.WorkloadSelector is not { } selector)
            {
                catchAll = rule;
                continue;
            }
            // Istio honours workload selectors on outbound traffic only, for rules in the client's own namespace.
            if (rule.Namespace == client.Namespace && client.Labels is { } labels && Selects(selector, labels)) return rule;
        }
        return catchAll;
    }

    /// <summary>Every merged rule a client in <paramref name="clientNamespace"/> may get for the host, whatever its
    /// labels: the rules of its own namespace if any covers the host, else those the service's namespace exports
    /// to it, else those the root namespace exports to it.</summary>
    public IReadOnlyList<EffectiveDestinationRule> Candidates(string host, string serviceNamespace, string clientNamespace)
    {
        var local = clientNamespace != RootNamespace ? _namespaceLocal.GetValueOrDefault(clientNamespace) : _rootLocal;
        if (MostSpecific(local, host) is { } own) return own;
        var fromService = Exported(serviceNamespace, host, clientNamespace);
        return fromService.Count > 0 ? fromService : Exported(RootNamespace, host, clientNamespace);
    }

    /// <summary>A key equal for two clients exactly when <see cref="For"/> answers them alike: their namespace and
    /// the workloadSelector rules of that namespace that select them.</summary>
    public string ScopeOf(DestinationRuleClient client)
    {
        var selecting = _selectorRules
            .Where(s => s.Rule.Metadata.Namespace == client.Namespace && client.Labels is { } labels && Selects(s.Selector, labels))
            .Select(s => s.Rule.Metadata.Name);
        return $"{client.Namespace}|{string.Join(',', selecting)}";
    }

    private void Add(Resource rule)
    {
        var spec = (DestinationRuleSpec)rule.Spec!;
        var ns = rule.Metadata.Namespace ?? "default";
        var host = Key(spec.Host!, ns);
        // A rule with a workload selector is never exported: it only shapes its own namespace's traffic.
        IReadOnlySet<string> exportTo = spec.WorkloadSelector is null
            ? (spec.ExportTo ?? []).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal) { Private };
        if (spec.WorkloadSelector is { } selector)
            _selectorRules.Add((rule, selector.MatchLabels ?? NoLabels));

        if (exportTo.Count == 0 || exportTo.Contains(Public) || exportTo.Contains(Private) || exportTo.Contains(ns))
            Merge(BucketOf(_namespaceLocal, ns), host, rule, spec, exportTo);
        // Without exportTo a rule takes the mesh config's defaultDestinationRuleExportTo, of which istiod honours "."
        // only: any other default leaves the rule exported (an empty exportTo reads as public below).
        var privateOnly = exportTo.Count == 0 ? _privateByDefault : exportTo.Count == 1 && (exportTo.Contains(Private) || exportTo.Contains(ns));
        if (!privateOnly) Merge(BucketOf(_exported, ns), host, rule, spec, exportTo);
        else if (ns == RootNamespace) Merge(_rootLocal, host, rule, spec, exportTo);
    }

    // Istio's mergeDestinationRule with its enhanced merge (the default): a rule merges into an existing entry for
    // the same host when their exportTo sets are equal, or its own is a superset of the entry's, and their workload
    // selectors are compatible; otherwise, or when only one of them has a selector, it also stands on its own.
    private void Merge(Bucket bucket, string host, Resource rule, DestinationRuleSpec spec, IReadOnlySet<string> exportTo)
    {
        var incoming = new EffectiveDestinationRule(host, spec with { Host = host }, exportTo, [rule]);
        if (!bucket.TryGetValue(host, out var entries))
        {
            bucket[host] = [incoming];
            return;
        }
        var appendSeparately = true;
        for (var i = 0; i < entries.Count; i++)
        {
            var existing = entries[i];
            if (exportTo.SetEquals(existing.ExportTo)) appendSeparately = false;
            else if (existing.ExportTo.Count > 0 && exportTo.IsSupersetOf(existing.ExportTo)) appendSeparately = true;
            else
            {
                appendSeparately = true;
                continue;
            }
            var bothWithSelector = existing.WorkloadSelector is not null && spec.WorkloadSelector is not null;
            var bothWithout = existing.WorkloadSelector is null && spec.WorkloadSelector is null;
            if (bothWithSelector && !SameLabels(existing.WorkloadSelector!.MatchLabels, spec.WorkloadSelector!.MatchLabels))
            {
                appendSeparately = true;
                continue;
            }
            if (bothWithout || bothWithSelector) appendSeparately = false;
            entries[i] = Merged(existing, rule, spec);
        }
        if (appendSeparately) entries.Add(incoming);
    }

    private EffectiveDestinationRule Merged(EffectiveDestinationRule existing, Resource rule, DestinationRuleSpec spec)
    {
        var subsets = (existing.Spec.Subsets ?? []).ToList();
        var names = subsets.Select(s => s.Name ?? "").ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < (spec.Subsets?.Count ?? 0); i++)
        {
            var subset = spec.Subsets![i];
            if (names.Add(subset.Name ?? "")) subsets.Add(subset);
            else RecordShadowed(existing, rule, i, subset);
        }
        var merged = existing.Spec with { Subsets = subsets, TrafficPolicy = existing.Spec.TrafficPolicy ?? spec.TrafficPolicy };
        return existing with { Spec = merged, From = [.. existing.From, rule] };
    }

    private void RecordShadowed(EffectiveDestinationRule existing, Resource rule, int index, Subset subset)
    {
        if (!_shadowedSeen.Add((rule, index))) return;
        var keptBy = existing.From.First(f => ((DestinationRuleSpec)f.Spec!).Subsets?.Any(s => s.Name == subset.Name) == true);
        var kept = ((DestinationRuleSpec)keptBy.Spec!).Subsets!.First(s => s.Name == subset.Name);
        _shadowed.Add(new ShadowedSubset(rule, index, subset, keptBy, kept));
    }

    private List<EffectiveDestinationRule> Exported(string owningNamespace, string host, string clientNamespace) =>
        MostSpecific(_exported.GetValueOrDefault(owningNamespace), host)?
            .Where(r => r.ExportTo.Count == 0 || r.ExportTo.Contains(Public) || r.ExportTo.Contains(clientNamespace))
            .ToList() ?? [];

    // Istio's MostSpecificHostMatch: the rule for the exact host, else the longest wildcard that covers it.
    private static List<EffectiveDestinationRule>? MostSpecific(Bucket? bucket, string host)
    {
        if (bucket is null) return null;
        if (bucket.TryGetValue(host, out var exact)) return exact;
        return bucket
            .Where(kv => kv.Key.StartsWith('*') && HostName.Matches(kv.Key, host))
            .OrderByDescending(kv => kv.Key.Length)
            .Select(kv => kv.Value)
            .FirstOrDefault();
    }

    /// <summary>The host a rule is keyed by: short names resolve in the rule's namespace, <c>name.ns</c> means the Service.</summary>
    private static string Key(string host, string ns) => HostName.Candidates(host, ns)[^1];

    private static Bucket BucketOf(Dictionary<string, Bucket> byNamespace, string ns)
    {
        if (!byNamespace.TryGetValue(ns, out var bucket)) byNamespace[ns] = bucket = new Bucket();
        return bucket;
    }

    private static bool Selects(WorkloadSelector selector, IReadOnlyDictionary<string, string> labels) =>
        Selects(selector.MatchLabels ?? NoLabels, labels);

    private static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static bool SameLabels(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        a ??= NoLabels;
        b ??= NoLabels;
        return a.Count == b.Count && Selects(a, b);
    }

    /// <summary>Merged rules by host, for one namespace and visibility.</summary>
    private sealed class Bucket() : Dictionary<string, List<EffectiveDestinationRule>>(StringComparer.OrdinalIgnoreCase);
}
