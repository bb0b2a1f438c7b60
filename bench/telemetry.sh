#!/usr/bin/env bash
# Telemetry's cost on the data plane, in one run on one mesh (client -> Trellis sidecar -> Trellis sidecar -> nginx app,
# plaintext between the sidecars):
#   (a) telemetry off: enableTracing false, no access logs, Istio's standard metrics turned off by a root Telemetry
#   (b) Istio's standard metrics only (Trellis's default, without tracing)
#   (c) metrics and tracing at Istio's default 1% to the control plane's receiver
#   (d) metrics, tracing at 1% and access logs (Istio's default format) to a file
# Prints a markdown table (p50/p99, requests/s, the sidecars' CPU per request) and (c)'s throughput against (a).
# Usage: bench/telemetry.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
connections=${2:-32}
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
  measure "warm-up" "http://127.0.0.1:$outbound/1k" "app.bench:8080" >/dev/null
}

configure false "" true
off=$(measure "telemetry off" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")
configure false "" false
metrics=$(measure "metrics" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")
configure true "" false
traced=$(measure "metrics + tracing 1%" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")
configure true "$work/access.log" false
all=$(measure "metrics + tracing 1% + access logs" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")

echo
echo "wrk -t$threads -c$connections -d${duration}s, 1 KiB body, two Trellis sidecars, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| telemetry | p50 ms | p99 ms | req/s | non-2xx | sidecars' CPU µs/req |"
echo "|---|---|---|---|---|---|"
for row in "$off" "$metrics" "$traced" "$all"; do IFS='|' read -r n a b c d e <<<"$row"; echo "| $n | $a | $b | $c | $d | $e |"; done
IFS='|' read -r _ _ _ offr _ _ <<<"$off"; IFS='|' read -r _ _ _ allr _ _ <<<"$all"
echo
python3 -c 'import sys; a, b = map(float, sys.argv[1:]); print(f"all telemetry on: {a / b:.2f}x the throughput of all off ({(1 - a / b) * 100:.1f}% cost)")' "$allr" "$offr"
