#!/usr/bin/env bash
# Telemetry's cost on the data plane, in one run on one mesh (client -> Trellis sidecar -> Trellis sidecar -> nginx app,
# plaintext between the sidecars):
#   (a) telemetry off: enableTracing false, no access logs, Istio's standard metrics turned off by a root Telemetry
#   (b) Istio's standard metrics only (Trellis's default, without tracing)
#   (c) metrics and tracing at Istio's default 1% to the control plane's receiver
#   (d) metrics, tracing at 1% and access logs (Istio's default format) to a file
# Prints a markdown table (p50/p99, requests/s, the sidecars' CPU per request) and (d)'s throughput against (a).
# Usage: bench/telemetry.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
connections=${2:-32}
rounds=${3:-3}
threads=2

source bench/lib.sh
prepare_bench
start_bench_mesh
trellis --home "$home" apply -f bench/policies/plaintext.yaml >/dev/null

# One mesh config and one root Telemetry per run; each apply replaces the last.
configure() { # enableTracing access-log-file(or empty) metrics-disabled(true|false)
  cat > "$work/telemetry.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    enableTracing: $1
    accessLogFile: "$2"
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: mesh-default, namespace: istio-system}
spec:
  metrics:
  - providers: [{name: prometheus}]
    overrides:
    - match: {metric: ALL_METRICS}
      disabled: $3
YAML
  trellis --home "$home" apply -f "$work/telemetry.yaml" >/dev/null 2>&1
  # Every sidecar has the new configuration once proxy-status shows nothing stale.
  for _ in $(seq 1 30); do
    trellis --home "$home" proxy-status 2>/dev/null | grep -q STALE || break; sleep 1
  done
  (duration=$(( duration < 5 ? duration : 5 )); measure "warm-up" "http://127.0.0.1:$outbound/1k" "app.bench:8080" >/dev/null)
}

# The rows run in rounds, each round in a rotated order, and each figure is the median over the rounds: on a shared
# machine the first run after a change is slower whatever it measures, and load from elsewhere comes and goes.
names=("telemetry off" "metrics" "metrics + tracing 1%" "metrics + tracing 1% + access logs")
settings=("false||true" "false||false" "true||false" "true|$work/access.log|false")
results="$work/rows.txt"; : > "$results"
# Fresh sidecars are still compiling their hot paths; the first measured row would pay for it.
(duration=20; measure "warm-up" "http://127.0.0.1:$outbound/1k" "app.bench:8080" >/dev/null)
for round in $(seq 0 $((rounds - 1))); do
  for k in 0 1 2 3; do
    i=$(( (k + round) % 4 ))
    IFS='|' read -r tracing log disabled <<<"${settings[$i]}"
    configure "$tracing" "$log" "$disabled"
    echo "$i|$(measure "${names[$i]}" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")" >> "$results"
  done
done

echo
echo "wrk -t$threads -c$connections -d${duration}s, 1 KiB body, two Trellis sidecars, $(nproc) cores, medians of $rounds rounds, $(date -u +%Y-%m-%d)"
echo
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    i, name, p50, p99, rps, non2xx, cpu = line.strip().split("|")
    rows.setdefault(int(i), (name, []))[1].append((float(p50), float(p99), float(rps), int(non2xx), float(cpu)))
print("| telemetry | p50 ms | p99 ms | req/s | non-2xx | sidecars' CPU µs/req | CPU µs/req of each round |")
print("|---|---|---|---|---|---|---|")
med = {}
for i in sorted(rows):
    name, runs = rows[i]
    m = [statistics.median(r[j] for r in runs) for j in range(5)]
    med[i] = m
    print(f"| {name} | {m[0]:.2f} | {m[1]:.2f} | {m[2]:.0f} | {sum(r[3] for r in runs)} | {m[4]:.0f} | {', '.join(f'{r[4]:.0f}' for r in runs)} |")
off, on = med[0], med[3]
print()
print(f"all telemetry on: {on[2] / off[2]:.2f}x the throughput of all off ({(1 - on[2] / off[2]) * 100:.1f}% cost), "
      f"{on[4] / off[4]:.2f}x its CPU per request")
# Load from elsewhere drifts over minutes; within a round the rows ran back to back, so each round's own on/off ratio
# cancels most of the drift, and their median is the steadier figure.
paired = [r_on[2] / r_off[2] for r_on, r_off in zip(rows[3][1], rows[0][1])]
print(f"paired by round: all on / all off throughput {', '.join(f'{p:.2f}' for p in paired)}; "
      f"median {statistics.median(paired):.2f}x ({(1 - statistics.median(paired)) * 100:.1f}% cost)")
PY
