#!/usr/bin/env bash
# Trellis control plane at scale (issue 11): a real `trellis controlplane` loaded with SERVICES services (two ports,
# three subsets, a VirtualService and a DestinationRule each), PROXIES simulated sidecars connected to it as ADS gRPC
# clients that ACK every push, and one VirtualService change. Prints a markdown table: the connect storm, the change's
# propagation (p50/p99/max until ACKed), the control plane's CPU, RSS and the bytes it pushed.
# Usage: bench/cp-scale/run.sh [SERVICES] [PROXIES] [harness options: --timeout SECONDS --max-rss-mb MB --home DIR]
# TRELLIS_ARTIFACTS builds into a private folder, as bench/run.sh does.
set -euo pipefail
cd "$(dirname "$0")/../.."
services=${1:-1000}
proxies=${2:-2000}
shift $(( $# < 2 ? $# : 2 ))

artifacts=${TRELLIS_ARTIFACTS:-artifacts}
private_build=(); [ -n "${TRELLIS_ARTIFACTS:-}" ] && private_build=(--artifacts-path "$TRELLIS_ARTIFACTS")
build_log=$(dotnet build -c Release -nologo -clp:ErrorsOnly "${private_build[@]}" bench/cp-scale 2>&1) || { echo "$build_log" >&2; exit 1; }
# Two thousand connections from one process: more than the default soft limit on open files.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec dotnet "$artifacts/bin/Trellis.Bench.CpScale/release/cp-scale.dll" "$services" "$proxies" "$@"
