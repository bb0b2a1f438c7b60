using System.Globalization;
using Trellis.ControlPlane.Observability.Scraping;

namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>Adds one proxy's scrape to a <see cref="TrafficRound"/>. A request is counted once: by the client's proxy
/// (reporter="source"), which also sees failures that never reached the destination, or by the destination's proxy
/// when no mesh proxy sent it (source_workload="unknown"). Whether it arrived over mutual TLS only the destination knows.</summary>
internal static class RoundBuilder
{
    public const string Requests = "istio_requests_total";
    public const string DurationBuckets = "istio_request_duration_milliseconds_bucket";
    public const string Failures = "trellis_request_failures_total";

    public static bool Wanted(string name) => name is Requests or DurationBuckets or Failures;

    public static void Add(TrafficRound round, CounterDeltas deltas, IEnumerable<PrometheusSample> samples)
    {
        deltas.Begin();
        foreach (var sample in samples)
        {
            var delta = deltas.Delta(sample.Series, sample.Value);
            if (delta == 0) continue;
            switch (sample.Name)
            {
                case Requests: AddRequests(round, sample, delta); break;
                case DurationBuckets: AddDurations(round, sample, delta); break;
                case Failures: AddFailures(round, sample, delta); break;
            }
        }
        deltas.Complete();
    }

    private static void AddRequests(TrafficRound round, PrometheusSample sample, long delta)
    {
        var edge = round.Edge(EdgeOf(sample));
        var byDestination = sample.Label("reporter") == "destination";
        if (byDestination)
        {
            edge.DestinationReported += delta;
            if (sample.Label("connection_security_policy") == "mutual_tls") edge.MutualTls += delta;
        }
        if (!Counts(sample)) return;
        edge.Requests += delta;
        var code = int.TryParse(sample.Label("response_code"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
        if (code is 0 or >= 500) edge.ServerErrors += delta;
        else if (code >= 400) edge.ClientErrors += delta;
    }

    private static void AddDurations(TrafficRound round, PrometheusSample sample, long delta)
    {
        if (!Counts(sample)) return;
        var le = sample.Label("le");
        var bound = le == "+Inf" ? double.PositiveInfinity
            : double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) ? b : double.NaN;
        if (double.IsNaN(bound)) return;
        round.Edge(EdgeOf(sample)).Durations.AddToBound(bound, delta);
    }

    private static void AddFailures(TrafficRound round, PrometheusSample sample, long delta)
    {
        var key = new FailureKey(sample.Label("reporter"),
            new WorkloadName(sample.Label("source_workload_namespace"), sample.Label("source_workload"), "", ""),
            new ServiceName(sample.Label("destination_service_namespace"), sample.Label("destination_service_name")),
            sample.Label("route"), sample.Label("cluster"), sample.Label("response_code"), sample.Label("response_flags"), sample.Label("reason"));
        round.Failures[key] = round.Failures.GetValueOrDefault(key) + delta;
    }

    private static bool Counts(PrometheusSample sample) =>
        sample.Label("reporter") == "source" || sample.Label("source_workload") is "unknown" or "";

    private static EdgeKey EdgeOf(PrometheusSample sample) => new(
        new WorkloadName(sample.Label("source_workload_namespace"), sample.Label("source_workload"), sample.Label("source_app"), sample.Label("source_version")),
        new ServiceName(sample.Label("destination_service_namespace"), sample.Label("destination_service_name")),
        new WorkloadName(sample.Label("destination_workload_namespace"), sample.Label("destination_workload"), sample.Label("destination_app"), sample.Label("destination_version")));
}
