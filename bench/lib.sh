# Shared by the benchmarks: set-up and clean-up, free ports, wrk runs with the proxies' CPU per request, fixed-rate hey
# runs, RSS, and the two-pod bench mesh. Expects duration, connections and threads from the sourcing script.

# Installs wrk, hey, nginx and openssl when missing, builds the CLI (into TRELLIS_ARTIFACTS when set, so an experiment
# does not replace the binaries other work in the same checkout is running; not at all when TRELLIS_DLL names a built
# trellis.dll to run, as the benchmarks' smoke test does with its own build), and sets up a scratch folder, a mesh home
# and cleanup.
prepare_bench() {
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v hey >/dev/null || need+=(hey)
  command -v nginx >/dev/null || need+=(nginx)
  command -v openssl >/dev/null || need+=(openssl)
  if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi
  # Debian's nginx package starts a system nginx on port 80; the benchmarks run their own instances.
  service nginx stop >/dev/null 2>&1 || true
  if [ -n "${TRELLIS_DLL:-}" ]; then
    trellis_dll=$TRELLIS_DLL
  else
    local artifacts=${TRELLIS_ARTIFACTS:-artifacts} private_build=() build_log
    [ -n "${TRELLIS_ARTIFACTS:-}" ] && private_build=(--artifacts-path "$TRELLIS_ARTIFACTS")
    build_log=$(dotnet build -c Release -nologo -clp:ErrorsOnly "${private_build[@]}" src/Trellis.Cli 2>&1) || { echo "$build_log" >&2; exit 1; }
    trellis_dll="$artifacts/bin/Trellis.Cli/release/trellis.dll"
  fi
  [ -f "$trellis_dll" ] || { echo "no trellis.dll at $trellis_dll" >&2; exit 1; }
  work=$(mktemp -d)
  home="$work/home"
  pids=()
  trap cleanup_bench EXIT
}

trellis() { dotnet "$trellis_dll" "$@"; }

cleanup_bench() {
  trellis --home "$home" down >/dev/null 2>&1 || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

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
# The fixed-rate run: hey's workers each send rate/workers requests/s (`-q` paces one worker), so what the proxies add
# shows in latency at a load every topology carries, not in throughput. A worker whose request outlasts its interval
# (workers/rate, 10 ms) falls behind, which the achieved req/s shows. hey prints latencies to 0.1 ms.
rate=1000
rate_workers=10
paced() { # name url host-header-or-empty
  local name=$1 url=$2 host=$3 out args
  args=(-z "${duration}s" -c "$rate_workers" -q $((rate / rate_workers)))
  [ -n "$host" ] && args+=(-host "$host")
  out=$(hey "${args[@]}" "$url")
  local p50 p99 rps failed
  p50=$(echo "$out" | awk '$1=="50%"{printf "%.2f", $3 * 1000}')
  p99=$(echo "$out" | awk '$1=="99%"{printf "%.2f", $3 * 1000}')
  rps=$(echo "$out" | awk '/Requests\/sec/{printf "%.0f", $2}')
  # Responses other than 2xx ("[503]  12 responses") and requests that got none ("[12]  Get ...: EOF").
  failed=$(echo "$out" | awk '/Status code distribution:/{s=1; e=0; next} /Error distribution:/{e=1; s=0; next}
    s && match($0, /\[[0-9]+\]/) && substr($0, RSTART + 1, 1) != "2" {n += $2}
    e && match($0, /\[[0-9]+\]/) {n += substr($0, RSTART + 1, RLENGTH - 2)}
    END {print n + 0}')
  echo "$name|$p50|$p99|$rps|$failed"
}
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
# nginx does its work in worker processes: count the master and its workers.
tree_rss_mb() { local total=0 p; for p in "$1" $(pgrep -P "$1"); do total=$((total + $(rss_mb "$p"))); done; echo "$total"; }

# Starts bench/mesh (a client pod with only its sidecar, an nginx app behind its sidecar) and sets outbound,
# client_sidecar and app_sidecar.
start_bench_mesh() {
  trellis --home "$home" up -f bench/mesh --port "$(free_port)" > "$work/up.log" 2>&1 & pids+=($!)
  local ready=0
  for _ in $(seq 1 120); do
    ready=$(python3 -c 'import json,sys; pods=json.load(open(sys.argv[1])); print(1 if len(pods)==2 and all(p["ready"] for p in pods) else 0)' \
      "$home/pods.json" 2>/dev/null || echo 0)
    [ "$ready" = 1 ] && break; sleep 1
  done
  [ "$ready" = 1 ] || { cat "$work/up.log"; echo "the benchmark mesh did not become ready" >&2; exit 1; }
  read -r outbound client_sidecar app_sidecar < <(python3 -c 'import json,sys
pods={p["deployment"]:p for p in json.load(open(sys.argv[1]))}
print(pods["client"]["outboundPort"], pods["client"]["sidecarPid"], pods["app"]["sidecarPid"])' "$home/pods.json")
}
