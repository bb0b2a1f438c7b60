#!/usr/bin/env bash
# Istio's request metrics, per request: the proxy's hand-written metrics against System.Diagnostics.Metrics aggregated
# by the OpenTelemetry .NET SDK (bench/metrics/IstioRequestMetrics.cs), in one BenchmarkDotNet run.
# Usage: bench/metrics.sh [BenchmarkDotNet arguments, default: --job short]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/metrics -c Release -nologo -clp:ErrorsOnly
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--job short)
dotnet artifacts/bin/Trellis.Bench.Metrics/release/Trellis.Bench.Metrics.dll --filter '*' "${args[@]}"
