#!/usr/bin/env bash
# Trellis data-plane baseline: wrk at a fixed connection count against a 1 KiB nginx response,
#   (a) client -> app directly
#   (b) client -> Trellis sidecar -> Trellis sidecar -> app   (a real `trellis up` mesh)
#   (c) client -> nginx proxy -> nginx proxy -> app            (the same two hops with nginx)
# Prints a markdown table (p50/p99 latency, requests/s, the proxies' CPU time per request and RSS).
# Usage: bench/run.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
connections=${2:-32}
threads=2

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi
# Debian's nginx package starts a system nginx on port 80; the benchmark runs its own instances.
service nginx stop >/dev/null 2>&1 || true

# TRELLIS_ARTIFACTS builds into a private folder, so an experiment does not replace the binaries that
# other work in the same checkout (end-to-end tests) is running.
artifacts=${TRELLIS_ARTIFACTS:-artifacts}
private_build=(); [ -n "${TRELLIS_ARTIFACTS:-}" ] && private_build=(--artifacts-path "$TRELLIS_ARTIFACTS")
build_log=$(dotnet build -c Release -nologo -clp:ErrorsOnly "${private_build[@]}" src/Trellis.Cli 2>&1) || { echo "$build_log" >&2; exit 1; }
trellis() { dotnet "$artifacts/bin/Trellis.Cli/release/trellis.dll" "$@"; }

work=$(mktemp -d)
home="$work/home"
pids=()
cleanup() {
  trellis --home "$home" down >/dev/null 2>&1 || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# wrk --latency prints "50%  1.23ms"; convert to milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
# CPU time (user + system, in clock ticks) the given processes have used so far.
cpu_ticks() { local total=0 p; for p in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$total"; }
measure() { # name url host-header-or-empty [proxy pids whose CPU per request is reported]
  local name=$1 url=$2 host=$3; shift 3
  local out before after
  before=$(cpu_ticks "$@")
  if [ -n "$host" ]; then out=$(wrk -t$threads -c"$connections" -d"${duration}s" --latency -H "Host: $host" "$url")
  else out=$(wrk -t$threads -c"$connections" -d"${duration}s" --latency "$url"); fi
  after=$(cpu_ticks "$@")
  local p50 p99 rps non2xx requests cpu_us=-
  p50=$(echo "$out" | awk '$1=="50%"{print $2}' | to_ms)
  p99=$(echo "$out" | awk '$1=="99%"{print $2}' | to_ms)
  rps=$(echo "$out" | awk '/Requests\/sec/{printf "%.0f", $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/{print $NF}')
  requests=$(echo "$out" | awk '/requests in/{print $1}')
  [ $# -gt 0 ] && [ "${requests:-0}" -gt 0 ] && cpu_us=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))
  echo "$name|$p50|$p99|$rps|${non2xx:-0}|$cpu_us"
}
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
# nginx does its work in worker processes: count the master and its workers.
tree_rss_mb() { local total=0 p; for p in "$1" $(pgrep -P "$1"); do total=$((total + $(rss_mb "$p"))); done; echo "$total"; }

# (a) direct: a standalone nginx app.
app_port=$(free_port)
PORT=$app_port bench/mesh/nginx-app.sh >/dev/null 2>&1 & pids+=($!)
sleep 1
direct=$(measure "direct" "http://127.0.0.1:$app_port/1k" "")

# (c) nginx as the two proxies.
p1=$(free_port); p2=$(free_port)
for pair in "$p2:$app_port" "$p1:$p2"; do
  listen=${pair%%:*}; upstream=${pair##*:}
  conf="$work/nginx-proxy-$listen.conf"
  cat > "$conf" <<CONF
worker_processes 1;
pid $work/nginx-$listen.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream up { server 127.0.0.1:$upstream; keepalive 64; }
  server {
    listen 127.0.0.1:$listen;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
  nginx -c "$conf" -g 'daemon off;' >/dev/null 2>&1 & pids+=($!)
done
sleep 1
nginx_pids=()
for p in $(cat "$work/nginx-$p1.pid") $(cat "$work/nginx-$p2.pid"); do nginx_pids+=("$p" $(pgrep -P "$p")); done
nginx_row=$(measure "nginx two hops" "http://127.0.0.1:$p1/1k" "" "${nginx_pids[@]}")
nginx_rss="$(tree_rss_mb "$(cat "$work/nginx-$p1.pid")") + $(tree_rss_mb "$(cat "$work/nginx-$p2.pid")")"

# (b) Trellis: a real local mesh.
trellis --home "$home" up -f bench/mesh --port "$(free_port)" > "$work/up.log" 2>&1 & pids+=($!)
for _ in $(seq 1 120); do
  ready=$(python3 - "$home/pods.json" <<'PY' 2>/dev/null || echo 0
import json,sys; pods=json.load(open(sys.argv[1])); print(1 if len(pods)==2 and all(p["ready"] for p in pods) else 0)
PY
)
  [ "$ready" = 1 ] && break; sleep 1
done
[ "${ready:-0}" = 1 ] || { cat "$work/up.log"; echo "the benchmark mesh did not become ready" >&2; exit 1; }
read -r outbound client_sidecar app_sidecar < <(python3 - "$home/pods.json" <<'PY'
import json,sys
pods={p["deployment"]:p for p in json.load(open(sys.argv[1]))}
print(pods["client"]["outboundPort"], pods["client"]["sidecarPid"], pods["app"]["sidecarPid"])
PY
)
measure "warm-up" "http://127.0.0.1:$outbound/1k" "app.bench:8080" >/dev/null
trellis_row=$(measure "Trellis two hops" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")
trellis_rss="$(rss_mb "$client_sidecar") + $(rss_mb "$app_sidecar")"

echo
echo "wrk -t$threads -c$connections -d${duration}s, 1 KiB body, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| topology | p50 ms | p99 ms | req/s | non-2xx | proxies' CPU µs/req | proxies' RSS MB |"
echo "|---|---|---|---|---|---|---|"
IFS='|' read -r n a b c d e <<<"$direct";       echo "| $n | $a | $b | $c | $d | $e | - |"
IFS='|' read -r n a b c d e <<<"$trellis_row";  echo "| $n | $a | $b | $c | $d | $e | $trellis_rss |"
IFS='|' read -r n a b c d e <<<"$nginx_row";    echo "| $n | $a | $b | $c | $d | $e | $nginx_rss |"
IFS='|' read -r _ _ _ tr _ tc <<<"$trellis_row"; IFS='|' read -r _ _ _ nr _ nc <<<"$nginx_row"
echo
ratio() { python3 -c 'import sys; a, b = sys.argv[1:]; print(f"{float(a) / float(b):.2f}" if b not in ("", "-", "0") and a not in ("", "-") else "-")' "$1" "$2"; }
echo "Trellis/nginx: throughput $(ratio "$tr" "$nr")×, CPU per request $(ratio "$tc" "$nc")×"
