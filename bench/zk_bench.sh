#!/usr/bin/env bash
# ZooKeeper benchmark: strata backup and restore of a generated tree against the same C
# client used one synchronous call at a time, in one run, on two ZooKeeper servers it
# starts itself (Debian's 3.8 jar, loopback, free ports).
#
#   bench/zk_bench.sh [COUNT] [BASELINE_SECONDS]
#
# COUNT (default 1000000): znodes in the tree (depth 5, fan-out 10 x 10 x 10 x 10 x
# COUNT/10000; data 16 B-8 KiB, mean about 230 B). BASELINE_SECONDS (default 60): how long
# each synchronous baseline runs; its rate is what it reached in that time.
# Prints rates (znodes/s, MB/s), the ratios to the baselines and strata's peak memory.
# Environment: STRATA_BENCH_BUILD (build directory, default build-bench), STRATA_ZK_HEAP
# (each server's -Xmx, default 3g).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
count=${1:-1000000}
baseline_seconds=${2:-60}
build=${STRATA_BENCH_BUILD:-$repo/build-bench}
heap=${STRATA_ZK_HEAP:-3g}
work=$(mktemp -d /tmp/strata-zk-bench.XXXXXX)
pids=()

log() { printf '[zk-bench] %s\n' "$*" >&2; }
cleanup() {
  for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]+"${pids[@]}"}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

log "building strata and zk_bench (RelWithDebInfo, -O2) in $build"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATA_BUILD_BENCH=ON \
  -DSTRATA_BUILD_TESTS=OFF >/dev/null
ninja -C "$build" strata zk_bench >/dev/null
strata=$build/src/cli/strata
zkb=$build/bench/zk_bench

jar=$(dpkg -L libzookeeper-java 2>/dev/null | grep '/zookeeper\.jar$' | head -1)
[ -n "$jar" ] || { log "Debian's zookeeper package is not installed (scripts/setup.sh)"; exit 1; }
cp="$jar:$(dirname "$jar")/slf4j-simple.jar"
read -r port_src port_dst < <(python3 -c '
import socket; s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))')

start_zk() {  # start_zk NAME PORT
  mkdir -p "$work/$1"
  cat >"$work/$1.cfg" <<EOF
tickTime=2000
dataDir=$work/$1
clientPort=$2
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=srvr,ruok
admin.enableServer=false
EOF
  # A high snapCount keeps the server from writing 100 MB snapshots during the runs.
  java -Xms512m -Xmx"$heap" -Dzookeeper.snapCount=100000000 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$cp" org.apache.zookeeper.server.quorum.QuorumPeerMain "$work/$1.cfg" >"$work/$1.log" 2>&1 &
  pids+=($!)
}
start_zk source "$port_src"
start_zk target "$port_dst"
for port in "$port_src" "$port_dst"; do
  for _ in $(seq 1 120); do
    [ "$(echo ruok | nc -w 2 127.0.0.1 "$port" 2>/dev/null)" = imok ] && break
    sleep 0.5
  done
done
src=127.0.0.1:$port_src
dst=127.0.0.1:$port_dst
kv() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }

log "generating $count znodes on the source server"
gen=$("$zkb" generate "$src" /bench "$count")
nodes=$(kv "$gen" znodes)
log "generated: $gen"

log "strata backup zookeeper"
/usr/bin/time -f "%e %M" -o "$work/backup.time" "$strata" backup zookeeper --zookeeper "$src/bench" \
  --to "$work/repo" --name bench --no-progress >"$work/backup.out" 2>"$work/backup.err"
read -r backup_s backup_kb <"$work/backup.time"
manifest=$(ls "$work"/repo/zookeeper/bench/*.json)
data_bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["snapshot"]["data_bytes"])' "$manifest")
stored=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["snapshot"]["bytes"])' "$manifest")

log "baseline: synchronous walk for up to $baseline_seconds s"
walk=$("$zkb" walk-sync "$src" /bench "$baseline_seconds")

log "strata restore zookeeper into the empty target server"
/usr/bin/time -f "%e %M" -o "$work/restore.time" "$strata" restore zookeeper --from "$work/repo" --name bench \
  --zookeeper "$dst/bench" --no-progress >"$work/restore.out" 2>"$work/restore.err"
read -r restore_s restore_kb <"$work/restore.time"

log "baseline: synchronous create loop for up to $baseline_seconds s"
create=$("$zkb" create-sync "$dst" /baseline "$baseline_seconds")

python3 - "$nodes" "$data_bytes" "$stored" "$backup_s" "$backup_kb" "$restore_s" "$restore_kb" \
  "$(kv "$walk" rate)" "$(kv "$walk" znodes)" "$(kv "$create" rate)" "$(kv "$create" znodes)" <<'EOF'
import sys
n, data, stored, bs, bkb, rs, rkb, wr, wn, cr, cn = sys.argv[1:]
n, data, stored, bs, rs = int(n), int(data), int(stored), float(bs), float(rs)
wr, cr = float(wr), float(cr)
mb = data / 1e6
print(f"tree: {n} znodes, {mb:.1f} MB of data, depth 5; snapshot stored in {int(stored)/1e6:.1f} MB")
print(f"backup : {bs:7.1f} s  {n/bs:9.0f} znodes/s  {mb/bs:6.1f} MB/s  peak RSS {int(bkb)/1024:.0f} MiB")
print(f"restore: {rs:7.1f} s  {n/rs:9.0f} znodes/s  {mb/rs:6.1f} MB/s  peak RSS {int(rkb)/1024:.0f} MiB")
print(f"baseline synchronous walk  : {wr:9.0f} znodes/s ({wn} znodes)")
print(f"baseline synchronous create: {cr:9.0f} znodes/s ({cn} znodes)")
print(f"ratio backup / sync walk   : {n/bs/wr:6.1f}x (goal >= 10x)")
print(f"ratio restore / sync create: {n/rs/cr:6.1f}x (goal >= 20x)")
EOF
