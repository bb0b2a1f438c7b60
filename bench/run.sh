#!/usr/bin/env bash
# Trellis data-plane baseline: wrk at a fixed connection count against a 1 KiB nginx response,
#   (a) client -> app directly
#   (b) client -> Trellis sidecar -> Trellis sidecar -> app   (a real `trellis up` mesh)
#   (c) client -> nginx proxy -> nginx proxy -> app            (the same two hops with nginx)
# and (b) and (c) again with mutual TLS between the two proxies: Trellis under a mesh-wide STRICT
# PeerAuthentication, nginx with client certificates (ECDSA P-256, as Trellis issues) and session reuse.
# Prints a markdown table (p50/p99 latency, requests/s, the proxies' CPU time per request and RSS), then the same
# topologies at a fixed 1000 requests/s (hey) with the p99 each adds over the direct path.
# Usage: bench/run.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
connections=${2:-32}
threads=2

source bench/lib.sh
prepare_bench

# (a) direct: a standalone nginx app.
app_port=$(free_port)
PORT=$app_port bench/mesh/nginx-app.sh >/dev/null 2>&1 & pids+=($!)
sleep 1
direct=$(measure "direct" "http://127.0.0.1:$app_port/1k" "")
direct_paced=$(paced "direct" "http://127.0.0.1:$app_port/1k" "")

# (c) nginx as the two proxies, first in plaintext, then with mutual TLS between them.
pki="$work/pki"; mkdir -p "$pki"
cert() { # name CN [signing CA]
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$1.key" 2>/dev/null
  if [ $# -eq 2 ]; then openssl req -x509 -new -key "$pki/$1.key" -subj "/CN=$2" -days 2 -out "$pki/$1.pem" 2>/dev/null
  else openssl req -new -key "$pki/$1.key" -subj "/CN=$2" 2>/dev/null \
    | openssl x509 -req -CA "$pki/$3.pem" -CAkey "$pki/$3.key" -CAcreateserial -days 2 -extfile <(printf 'subjectAltName=DNS:%s' "$2") -out "$pki/$1.pem" 2>/dev/null; fi
}
cert ca bench-ca; cert server app ca; cert client client ca
nginx_proxy() { # listen-port upstream-port tls(none|client|server)
  local listen=$1 upstream=$2 tls=$3 scheme=http listen_tls="" upstream_tls=""
  if [ "$tls" = client ]; then scheme=https; upstream_tls="proxy_ssl_certificate $pki/client.pem; proxy_ssl_certificate_key $pki/client.key;
      proxy_ssl_trusted_certificate $pki/ca.pem; proxy_ssl_verify on; proxy_ssl_name app; proxy_ssl_session_reuse on;"; fi
  [ "$tls" = server ] && listen_tls="ssl; ssl_certificate $pki/server.pem; ssl_certificate_key $pki/server.key;
      ssl_client_certificate $pki/ca.pem; ssl_verify_client on; ssl_session_cache shared:bench:1m"
  cat > "$work/nginx-proxy-$listen.conf" <<CONF
worker_processes 1;
pid $work/nginx-$listen.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream up { server 127.0.0.1:$upstream; keepalive 64; }
  server {
    listen 127.0.0.1:$listen $listen_tls;
    location / { proxy_pass $scheme://up; proxy_http_version 1.1; proxy_set_header Connection ""; $upstream_tls }
  }
}
CONF
  nginx -c "$work/nginx-proxy-$listen.conf" -g 'daemon off;' >/dev/null 2>&1 & pids+=($!)
}
nginx_two_hops() { # name tls(plain|mtls); prints the measured row, the two proxies' RSS, then the fixed-rate row
  local p1 p2 p
  p1=$(free_port); p2=$(free_port)
  if [ "$2" = mtls ]; then nginx_proxy "$p2" "$app_port" server; nginx_proxy "$p1" "$p2" client
  else nginx_proxy "$p2" "$app_port" none; nginx_proxy "$p1" "$p2" none; fi
  sleep 1
  local hop_pids=()
  for p in $(cat "$work/nginx-$p1.pid") $(cat "$work/nginx-$p2.pid"); do hop_pids+=("$p" $(pgrep -P "$p")); done
  measure "$1" "http://127.0.0.1:$p1/1k" "" "${hop_pids[@]}"
  echo "$(tree_rss_mb "$(cat "$work/nginx-$p1.pid")") + $(tree_rss_mb "$(cat "$work/nginx-$p2.pid")")"
  paced "$1" "http://127.0.0.1:$p1/1k" ""
  for p in $(cat "$work/nginx-$p1.pid") $(cat "$work/nginx-$p2.pid"); do kill "$p"; done
}
{ read -r nginx_row; read -r nginx_rss; read -r nginx_paced; } < <(nginx_two_hops "nginx two hops" plain)
{ read -r nginx_mtls_row; read -r nginx_mtls_rss; read -r nginx_mtls_paced; } < <(nginx_two_hops "nginx two hops, mTLS" mtls)

# (b) Trellis: a real local mesh.
start_bench_mesh
# Auto mTLS would already encrypt between the sidecars: the plaintext run turns it off for the app explicitly.
trellis --home "$home" apply -f bench/policies/plaintext.yaml >/dev/null
measure "warm-up" "http://127.0.0.1:$outbound/1k" "app.bench:8080" >/dev/null
trellis_row=$(measure "Trellis two hops" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")
trellis_rss="$(rss_mb "$client_sidecar") + $(rss_mb "$app_sidecar")"
trellis_paced=$(paced "Trellis two hops" "http://127.0.0.1:$outbound/1k" "app.bench:8080")

trellis --home "$home" delete -f bench/policies/plaintext.yaml >/dev/null
trellis --home "$home" apply -f bench/policies/strict-mtls.yaml >/dev/null
# STRICT is in force once the app's sidecar refuses a plaintext request and the mesh path still answers.
app_inbound=$(python3 -c 'import json,sys; print({p["deployment"]:p for p in json.load(open(sys.argv[1]))}["app"]["inboundPort"])' "$home/pods.json")
for _ in $(seq 1 60); do
  if ! curl -sf -o /dev/null "http://127.0.0.1:$app_inbound/1k" && curl -sf -o /dev/null -H "Host: app.bench:8080" "http://127.0.0.1:$outbound/1k"; then strict=1; break; fi
  sleep 1
done
[ "${strict:-0}" = 1 ] || { echo "STRICT mTLS did not take effect on the benchmark mesh" >&2; exit 1; }
measure "warm-up" "http://127.0.0.1:$outbound/1k" "app.bench:8080" >/dev/null
trellis_mtls_row=$(measure "Trellis two hops, mTLS" "http://127.0.0.1:$outbound/1k" "app.bench:8080" "$client_sidecar" "$app_sidecar")
trellis_mtls_rss="$(rss_mb "$client_sidecar") + $(rss_mb "$app_sidecar")"
trellis_mtls_paced=$(paced "Trellis two hops, mTLS" "http://127.0.0.1:$outbound/1k" "app.bench:8080")

echo
echo "wrk -t$threads -c$connections -d${duration}s, 1 KiB body, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| topology | p50 ms | p99 ms | req/s | non-2xx | proxies' CPU µs/req | proxies' RSS MB |"
echo "|---|---|---|---|---|---|---|"
IFS='|' read -r n a b c d e <<<"$direct";       echo "| $n | $a | $b | $c | $d | $e | - |"
IFS='|' read -r n a b c d e <<<"$trellis_row";  echo "| $n | $a | $b | $c | $d | $e | $trellis_rss |"
IFS='|' read -r n a b c d e <<<"$nginx_row";    echo "| $n | $a | $b | $c | $d | $e | $nginx_rss |"
IFS='|' read -r n a b c d e <<<"$trellis_mtls_row"; echo "| $n | $a | $b | $c | $d | $e | $trellis_mtls_rss |"
IFS='|' read -r n a b c d e <<<"$nginx_mtls_row";   echo "| $n | $a | $b | $c | $d | $e | $nginx_mtls_rss |"
IFS='|' read -r _ _ _ tr _ tc <<<"$trellis_row"; IFS='|' read -r _ _ _ nr _ nc <<<"$nginx_row"
IFS='|' read -r _ _ _ tmr _ tmc <<<"$trellis_mtls_row"; IFS='|' read -r _ _ _ nmr _ nmc <<<"$nginx_mtls_row"
echo
ratio() { python3 -c 'import sys; a, b = sys.argv[1:]; print(f"{float(a) / float(b):.2f}" if b not in ("", "-", "0") and a not in ("", "-") else "-")' "$1" "$2"; }
echo "Trellis/nginx: throughput $(ratio "$tr" "$nr")×, CPU per request $(ratio "$tc" "$nc")×"
echo "Trellis/nginx with mTLS: throughput $(ratio "$tmr" "$nmr")×, CPU per request $(ratio "$tmc" "$nmc")×"
echo "mTLS/plaintext CPU per request: Trellis $(ratio "$tmc" "$tc")×, nginx $(ratio "$nmc" "$nc")×"

echo
echo "hey -c$rate_workers -q$((rate / rate_workers)) -z${duration}s: a fixed $rate requests/s, 1 KiB body, latency to 0.1 ms"
echo
echo "| topology | p50 ms | p99 ms | req/s | non-2xx | added p99 ms over direct |"
echo "|---|---|---|---|---|---|"
IFS='|' read -r _ _ direct_p99 _ _ <<<"$direct_paced"
added() { python3 -c 'import sys; a, b = sys.argv[1:]; print(f"{float(a) - float(b):.2f}" if a and b else "-")' "$1" "$2"; }
for row in "$direct_paced" "$trellis_paced" "$nginx_paced" "$trellis_mtls_paced" "$nginx_mtls_paced"; do
  IFS='|' read -r n a b c d <<<"$row"
  if [ "$n" = direct ]; then echo "| $n | $a | $b | $c | $d | - |"; else echo "| $n | $a | $b | $c | $d | $(added "$b" "$direct_p99") |"; fi
done
IFS='|' read -r _ _ tp _ _ <<<"$trellis_paced"; IFS='|' read -r _ _ np _ _ <<<"$nginx_paced"
IFS='|' read -r _ _ tmp _ _ <<<"$trellis_mtls_paced"; IFS='|' read -r _ _ nmp _ _ <<<"$nginx_mtls_paced"
echo
echo "added p99 at $rate requests/s: Trellis $(added "$tp" "$direct_p99") ms, nginx $(added "$np" "$direct_p99") ms;" \
  "with mTLS: Trellis $(added "$tmp" "$direct_p99") ms, nginx $(added "$nmp" "$direct_p99") ms"
