#!/usr/bin/env bash
# Profiles the Trellis sidecars under the benchmark's load: starts the `trellis up -f bench/mesh` mesh
# with perf maps enabled, drives wrk at the client sidecar and meanwhile samples each sidecar's CPU with
# `perf record` (managed frames named through /tmp/perf-PID.map). Prints the hottest symbols, self and
# inclusive. Usage: bench/profile.sh [SECONDS] [CONNECTIONS] [OUTDIR]
# PROFILE_APPLY=FILE applies FILE (for example a mesh config turning access logs on) before the load starts.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-32}
out=${3:-$(mktemp -d)}
command -v perf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null; }
# Every .NET process of the mesh inherits this and writes /tmp/perf-PID.map for perf to name JIT-compiled frames.
# W^X double-mapping hides JIT code from perf, so it is turned off for the profile.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0

# TRELLIS_ARTIFACTS builds into a private folder, so an experiment does not replace the binaries that
# other work in the same checkout (end-to-end tests) is running.
artifacts=${TRELLIS_ARTIFACTS:-artifacts}
private_build=(); [ -n "${TRELLIS_ARTIFACTS:-}" ] && private_build=(--artifacts-path "$TRELLIS_ARTIFACTS")
build_log=$(dotnet build -c Release -nologo -clp:ErrorsOnly "${private_build[@]}" src/Trellis.Cli 2>&1) || { echo "$build_log" >&2; exit 1; }
trellis() { dotnet "$artifacts/bin/Trellis.Cli/release/trellis.dll" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

mkdir -p "$out"
home="$out/home"
cleanup() { trellis --home "$home" down >/dev/null 2>&1 || true; wait 2>/dev/null || true; }
trap cleanup EXIT
trellis --home "$home" up -f bench/mesh --port "$(free_port)" > "$out/up.log" 2>&1 &
for _ in $(seq 1 120); do
  ready=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(1 if len(p)==2 and all(x["ready"] for x in p) else 0)' "$home/pods.json" 2>/dev/null || echo 0)
  [ "$ready" = 1 ] && break; sleep 1
done
[ "${ready:-0}" = 1 ] || { cat "$out/up.log"; echo "the benchmark mesh did not become ready" >&2; exit 1; }
if [ -n "${PROFILE_APPLY:-}" ]; then
  trellis --home "$home" apply -f "$PROFILE_APPLY" >/dev/null
  for _ in $(seq 1 30); do trellis --home "$home" proxy-status 2>/dev/null | grep -q STALE || break; sleep 1; done
fi
read -r outbound client_sidecar app_sidecar < <(python3 -c '
import json,sys
pods={p["deployment"]:p for p in json.load(open(sys.argv[1]))}
print(pods["client"]["outboundPort"], pods["client"]["sidecarPid"], pods["app"]["sidecarPid"])' "$home/pods.json")

url="http://127.0.0.1:$outbound/1k"
wrk -t2 -c"$connections" -d10s -H "Host: app.bench:8080" "$url" >/dev/null   # warm-up: tiered compilation, pools
wrk -t2 -c"$connections" -d"$((duration + 4))s" --latency -H "Host: app.bench:8080" "$url" > "$out/wrk.txt" &
wrk_pid=$!
sleep 1
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
before="$(cpu_ticks "$client_sidecar") $(cpu_ticks "$app_sidecar")"
perf record -F 499 -g -e cpu-clock -p "$client_sidecar,$app_sidecar" -o "$out/perf.data" -- sleep "$duration" 2>/dev/null
after="$(cpu_ticks "$client_sidecar") $(cpu_ticks "$app_sidecar")"
wait "$wrk_pid"
grep -E 'Requests/sec|50%|99%' "$out/wrk.txt"
read -r c0 a0 <<<"$before"; read -r c1 a1 <<<"$after"
hz=$(getconf CLK_TCK)
echo "sidecar CPU over ${duration}s: client $(( (c1 - c0) * 100 / hz / duration ))%, app $(( (a1 - a0) * 100 / hz / duration ))% of one core"
echo "== where the sidecars spend CPU, by thread kind"
perf report -i "$out/perf.data" --stdio --no-children --sort comm -g none 2>/dev/null | grep -E '^ +[0-9]' | head -20
echo "== self (top 45)"
perf report -i "$out/perf.data" --stdio --no-children --sort dso,sym -g none 2>/dev/null | grep -E '^ +[0-9]' | head -45
echo "== inclusive (top 80)"
perf report -i "$out/perf.data" --stdio --children --sort sym -g none 2>/dev/null | grep -E '^ +[0-9]' | head -80
echo "perf data in $out/perf.data"
