#!/usr/bin/env bash
# Kafka backup throughput: strata vs. librdkafka alone (kcat draining to /dev/null), on
# the same topic in the same run. Prints records/s and MB/s of each, their ratio, and
# strata's peak memory, and the CPU time each process used (kcat, strata, and the S3
# server while strata wrote to it): on a small machine they all share the same cores.
#
#   bench/kafka_backup.sh [--gib N] [--partitions P] [--repo s3|file|shm] [--reader auto|raw|librdkafka]
#                         [--runs N] [--keep-stack]
#
# --repo s3 (default): the private stack's versitygw, its data on this machine's disk.
# --repo file: a repository directory on disk. --repo shm: a repository directory in
# /dev/shm (memory): strata's own speed, with no storage limit in the way. --runs N
# (default 2): kcat and strata take turns N times; the fastest run of each is reported,
# and strata's largest peak memory.
#
# With --repo s3 it then measures the S3 server alone: the same number of bytes PUT as
# 64 MiB objects, 4 at a time, by a client that does nothing else (s3_transfer_bench
# --put-only), with Kafka idle. That is the fastest any backup could store the topic on
# this machine, and it is printed as a ratio to kcat beside strata's.
#
# Starts a private stack (Kafka 4 KRaft + versitygw) in a temp directory, fills a topic
# with 1 KiB records, and stops the stack at the end. Builds strata and s3_transfer_bench
# (RelWithDebInfo, build-bench/) first.
set -euo pipefail
export AWS_EC2_METADATA_DISABLED=true

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gib=2
partitions=8
repo_kind=s3
runs=2
reader=auto
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --gib) gib=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --repo) repo_kind=$2; shift 2 ;;
    --reader) reader=$2; shift 2 ;;
    --keep-stack) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

cd "$repo_dir"
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATA_BUILD_BENCH=ON \
  -DSTRATA_BUILD_TESTS=OFF >/dev/null
ninja -C build-bench strata s3_transfer_bench >/dev/null
strata=$repo_dir/build-bench/src/cli/strata

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_start_stack kafka,versitygw
shm_repo=/dev/shm/strata-bench-$$
bench_scratch+=("$shm_repo")

records=$((gib * 1024 * 1024))
topic=bench
java -cp "$KAFKA_LIB/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
  --create --topic $topic --partitions "$partitions" --replication-factor 1 >/dev/null 2>&1
echo "filling $topic: $records records of 1 KiB in $partitions partitions"
java -Xmx1g -cp "$KAFKA_LIB/*" org.apache.kafka.tools.ProducerPerformance --topic $topic \
  --num-records "$records" --record-size 1024 --throughput -1 \
  --producer-props bootstrap.servers="$KAFKA_BOOTSTRAP" acks=1 linger.ms=50 batch.size=1048576 \
  compression.type=lz4 buffer.memory=268435456 | tail -1

now() { date +%s.%N; }
# CPU seconds (user + system) a running process has used so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
mb=$(python3 -c "print($records * 1024 / 1e6)")

case "$repo_kind" in
  file|shm) ;;
  s3) export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_REGION=$S3_REGION
      export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT ;;
  *) echo "--repo s3|file|shm" >&2; exit 2 ;;
esac
s3_pid=$(cat "$stack/versitygw.pid")

# kcat and strata take turns, `runs` times each; the fastest run of each counts (the
# machine's noise only ever slows a run down). Each strata run writes a new repository.
kcat_s=; strata_s=
for run in $(seq "$runs"); do
  t0=$(now)
  /usr/bin/time -f '%U %S' -o "$work/kcat-cpu" kcat -C -b "$KAFKA_BOOTSTRAP" -t $topic -e -q -o beginning -f '%s' >/dev/null
  t1=$(now)
  s=$(python3 -c "print($t1 - $t0)")
  if [ -z "$kcat_s" ] || python3 -c "import sys; sys.exit(0 if $s < $kcat_s else 1)"; then
    kcat_s=$s
    kcat_cpu=$(awk '{print $1 + $2}' "$work/kcat-cpu")
  fi

  case "$repo_kind" in
    file) rm -rf "$work/repo"; url=$work/repo ;;
    shm) rm -rf "$shm_repo"; url=$shm_repo ;;
    s3) url="s3://$S3_BUCKET/bench-$(date +%s)-$run" ;;
  esac
  sync  # the previous run's bytes on disk, so that this run does not wait for them
  s3_cpu0=$(cpu_of "$s3_pid")
  t0=$(now)
  /usr/bin/time -f '%M %U %S' -o "$work/strata-time" "$strata" backup kafka -b "$KAFKA_BOOTSTRAP" -t $topic \
    --to "$url" --reader "$reader" --no-progress --log-level warn
  t1=$(now)
  s=$(python3 -c "print($t1 - $t0)")
  read -r kib user sys < "$work/strata-time"
  if [ -z "$strata_s" ] || python3 -c "import sys; sys.exit(0 if $s < $strata_s else 1)"; then
    strata_s=$s
    s3_cpu=$(python3 -c "print($(cpu_of "$s3_pid") - $s3_cpu0)")
    strata_cpu=$(python3 -c "print($user + $sys)")
  fi
  rss_kib=$(( ${rss_kib:-0} > kib ? ${rss_kib:-0} : kib ))
done
rss_mib=$(python3 -c "print(round($rss_kib / 1024))")

# The S3 server alone, on as many bytes as the topic's log holds (what the raw reader
# stores): its ingest rate, turned into the time it would need for this topic.
ceiling_s=0
if [ "$repo_kind" = s3 ]; then
  sync
  log_mib=$(du -sm "$stack"/kafka-logs/$topic-* | awk '{s += $1} END {print s}')
  put=$(build-bench/bench/s3_transfer_bench --endpoint "$S3_ENDPOINT" --bucket "$S3_BUCKET" \
    --access-key "$S3_ACCESS_KEY" --secret-key "$S3_SECRET_KEY" --region "$S3_REGION" \
    --put-only "$log_mib" --object-mib 64 --parallel 4)
  echo "S3 server alone: $put"
  ceiling_s=$(echo "$put" | sed -E 's/.*\(([0-9.]+) s\).*/\1/')
fi

# auto is raw here: the private stack's listener is PLAINTEXT.
[ "$reader" = auto ] && reader_shown="auto (raw)" || reader_shown=$reader
python3 - "$records" "$mb" "$kcat_s" "$strata_s" "$rss_mib" "$repo_kind" "$reader_shown" \
  "$kcat_cpu" "$strata_cpu" "$s3_cpu" "$runs" "$ceiling_s" <<'EOF'
import sys
records, mb, kcat_s, strata_s = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
rss, kind, reader, runs = sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[11]
kcat_cpu, strata_cpu, s3_cpu = float(sys.argv[8]), float(sys.argv[9]), float(sys.argv[10])
gib = mb * 1e6 / 2**30
print(f"strata reader: {reader}; best of {runs} runs each")
print(f"kcat -> /dev/null : {records / kcat_s:12,.0f} records/s  {mb / kcat_s:8.1f} MB/s  ({kcat_s:.1f} s)")
print(f"strata -> {kind:8s}: {records / strata_s:12,.0f} records/s  {mb / strata_s:8.1f} MB/s  ({strata_s:.1f} s)")
print(f"ratio strata/kcat: {kcat_s / strata_s:.2f}   strata peak RSS: {rss} MiB")
line = f"CPU seconds per GiB: kcat {kcat_cpu / gib:.2f}, strata {strata_cpu / gib:.2f}"
if kind == "s3":
    line += f", S3 server during strata's run {s3_cpu / gib:.2f}"
print(line)
ceiling_s = float(sys.argv[12])
if ceiling_s > 0:
    print(f"ceiling: the S3 server alone stores this topic in {ceiling_s:.1f} s = "
          f"{kcat_s / ceiling_s:.2f} of kcat's rate; strata reached "
          f"{ceiling_s / strata_s:.2f} of that ceiling")
EOF
