#!/usr/bin/env bash
# Sidecar start to ready, and its RSS idle and after load: the native sidecar (native/trellis-proxy) against
# `trellis proxy` on the JIT (TRELLIS_NATIVE_PROXY=0), each in a bench mesh of its own, one after the other.
# Start to ready: the app's sidecar is killed ROUNDS times; the supervisor starts a new one, and the time is from that
# process's start (/proc/PID/stat, 10 ms ticks) to the first 200 from its admin /ready (bench/restart_to_ready.py). It includes
# connecting to the control plane, fetching the pod's certificate and ACKing a full config, as Envoy's readiness does.
# PSS counts the pages the sidecars share (the native binary's code, mapped once for every pod) once among them.
# Usage: bench/startup.sh [ROUNDS] [SECONDS of wrk load for the RSS after load]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
duration=${2:-10}
connections=32
threads=2

source bench/lib.sh
prepare_bench
base_home=$home

pss_mb() { awk '/^Pss:/{printf "%.0f", $2/1024}' "/proc/$1/smaps_rollup"; }

# Prints "idle-MB idle-PSS-MB loaded-MB start-to-ready-ms..." for the mesh in $home.
measure_startup() {
  sleep 5
  local idle pss loaded times=()
  idle=$(rss_mb "$app_sidecar")
  pss=$(pss_mb "$app_sidecar")
  measure "load" "http://127.0.0.1:$outbound/1k" "app.bench:8080" >/dev/null
  loaded=$(rss_mb "$app_sidecar")
  for _ in $(seq 1 "$rounds"); do
    times+=("$(python3 bench/restart_to_ready.py "$home/pods.json")")
    sleep 3
  done
  echo "$idle $pss $loaded ${times[*]}"
}

echo "| sidecar | RSS idle MB | PSS idle MB | RSS after ${duration}s of wrk -c$connections MB | start to ready ms (each of $rounds restarts) |"
echo "|---|---|---|---|---|"
modes=(native jit)
[ -x "$(dirname "$trellis_dll")/native/trellis-proxy" ] || { echo "(no native/trellis-proxy beside $trellis_dll: the JIT row only)"; modes=(jit); }
for mode in "${modes[@]}"; do
  home="$base_home-$mode"
  if [ "$mode" = jit ]; then export TRELLIS_NATIVE_PROXY=0; else unset TRELLIS_NATIVE_PROXY; fi
  start_bench_mesh
  trellis --home "$home" apply -f bench/policies/plaintext.yaml >/dev/null
  read -r idle pss loaded times < <(measure_startup)
  trellis --home "$home" down >/dev/null 2>&1 || true
  echo "| $mode | $idle | $pss | $loaded | ${times// /, } |"
done
