#!/usr/bin/env bash
# Istio's request metrics: the proxy's hand-written metrics against System.Diagnostics.Metrics aggregated by the
# OpenTelemetry .NET SDK, per request (bench/metrics/IstioRequestMetrics.cs) and per scrape (IstioScrape.cs), and one
# access-log line (AccessLogLine.cs), in one BenchmarkDotNet run. Reports land in artifacts/bench/metrics/results
# (ignored by git).
# Usage: bench/metrics.sh [BenchmarkDotNet arguments, default: --job short]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/metrics -c Release -nologo -clp:ErrorsOnly
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--job short)
dotnet artifacts/bin/Trellis.Bench.Metrics/release/Trellis.Bench.Metrics.dll --filter '*' --artifacts artifacts/bench/metrics "${args[@]}"
