#!/usr/bin/env bash
# Before/after in pairs: the same build run with two environments (for example a runtime switch turned off, then on),
# each pair on fresh bench meshes, so that the machine's drift between runs falls on both sides alike. Prints each
# round's sidecar CPU per request (µs, both sidecars) and requests/s, plaintext between the sidecars.
# Usage: bench/pairs.sh "ENV=A ..."|none "ENV=B ..."|none [PAIRS] [ROUNDS] [SECONDS]
#   e.g. bench/pairs.sh DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 none 3 3 8   (the sidecars' event loops off, then on)
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1
after=$2
pairs=${3:-3}
rounds=${4:-3}
duration=${5:-8}
connections=32
threads=2

source bench/lib.sh
prepare_bench

sides=0
side() { # environment; sets result to "µs/req@req/s" for each round
  local assignment row out=()
  sides=$((sides + 1))
  home="$work/home-$sides"
  # The mesh's processes inherit the environment of `trellis up`, and only they get it.
  local environment=$1; [ "$environment" = none ] && environment=""
  for assignment in $environment; do export "${assignment?}"; done
  start_bench_mesh
  for assignment in $environment; do unset "${assignment%%=*}"; done
  trellis --home "$home" apply -f bench/policies/plaintext.yaml >/dev/null
  measure "warm-up" "http://127.0.0.1:$outbound/1k" "app.bench:8080" >/dev/null
  for _ in $(seq 1 "$rounds"); do
    row=$(measure "round" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")
    IFS='|' read -r _ _ _ rps non2xx cpu <<<"$row"
    [ "${non2xx:-0}" = 0 ] && [ "${rps:-0}" -gt 0 ] || { echo "with \"$1\": $rps req/s, $non2xx answers not 2xx" >&2; exit 1; }
    out+=("$cpu@$rps")
  done
  trellis --home "$home" down >/dev/null 2>&1 || true
  result="${out[*]}"
}

echo "| pair | $before (µs/req@req/s) | $after (µs/req@req/s) |"
echo "|---|---|---|"
for pair in $(seq 1 "$pairs"); do
  side "$before"; first=$result
  side "$after"
  echo "| $pair | $first | $result |"
done
