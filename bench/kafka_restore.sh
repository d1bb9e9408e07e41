#!/usr/bin/env bash
# Kafka restore throughput: strata restoring a topic from the local S3 server (versitygw)
# vs. librdkafka's producer alone (bench/kafka_produce_bench.cc) writing the same records
# with the same acks (all), idempotence and producer settings, in the same run. Prints
# records/s and MB/s of each, their ratio, and strata's peak memory.
#
#   bench/kafka_restore.sh [--gib N] [--partitions P] [--repo s3|file] [--compression C]
#                          [--keep-stack]
#
# Defaults: 2 GiB of 1 KiB records in 8 partitions, an s3:// repository, lz4. Starts a
# private stack (Kafka 4 KRaft + versitygw) in a temp directory and stops it at the end.
# Builds strata and the baseline (RelWithDebInfo, build-bench/) first.
#
# Steps: the baseline fills the source topic; strata backs it up; strata restores it
# into a new topic (timed, peak RSS); the baseline writes the same records into another
# new topic (timed). Both targets start empty, on the same broker, with equal settings.
set -euo pipefail
export AWS_EC2_METADATA_DISABLED=true

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gib=2
partitions=8
repo_kind=s3
compression=lz4
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --gib) gib=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --repo) repo_kind=$2; shift 2 ;;
    --compression) compression=$2; shift 2 ;;
    --keep-stack) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

cd "$repo_dir"
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATA_BUILD_BENCH=ON \
  -DSTRATA_BUILD_TESTS=OFF >/dev/null
ninja -C build-bench strata kafka_produce_bench >/dev/null
strata=$repo_dir/build-bench/src/cli/strata
produce=$repo_dir/build-bench/bench/kafka_produce_bench

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_start_stack kafka,versitygw
bench_scratch+=("$work/repo")

records=$(python3 -c "print(int($gib * 1024 * 1024))")
mb=$(python3 -c "print($records * 1024 / 1e6)")
# The producer settings strata restore uses by default, given to the baseline as well.
tuning=(-X linger.ms=10 -X batch.size=1048576 -X compression.type="$compression"
        -X queue.buffering.max.kbytes=147456 -X queue.buffering.max.messages=2000000
        -X message.max.bytes=1000000000)
create_topic() {
  java -cp "$KAFKA_LIB/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
    --create --topic "$1" --partitions "$partitions" --replication-factor 1 >/dev/null 2>&1
}

create_topic src
echo "filling src: $records records of 1 KiB in $partitions partitions"
fill_s=$("$produce" "$KAFKA_BOOTSTRAP" src "$partitions" "$records" "${tuning[@]}")

case "$repo_kind" in
  file) url=$work/repo ;;
  s3) url="s3://$S3_BUCKET/bench-$(date +%s)"
      export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_REGION=$S3_REGION
      export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT ;;
  *) echo "--repo s3|file" >&2; exit 2 ;;
esac
echo "backing up src to $url"
"$strata" backup kafka -b "$KAFKA_BOOTSTRAP" -t src --to "$url" --no-progress --log-level warn >/dev/null

now() { date +%s.%N; }
echo "restoring src as dst"
t0=$(now)
/usr/bin/time -f '%M' -o "$work/rss" "$strata" restore kafka -b "$KAFKA_BOOTSTRAP" --from "$url" -t src \
  --rename src:dst --compression "$compression" --no-progress --log-level warn
t1=$(now)
strata_s=$(python3 -c "print($t1 - $t0)")
rss_mib=$(python3 -c "print(round($(cat "$work/rss") / 1024))")

echo "producing the same records into raw with librdkafka alone"
create_topic raw
raw_s=$("$produce" "$KAFKA_BOOTSTRAP" raw "$partitions" "$records" "${tuning[@]}")

python3 - "$records" "$mb" "$raw_s" "$strata_s" "$rss_mib" "$repo_kind" "$fill_s" "$compression" <<'PY'
import sys
records, mb = int(sys.argv[1]), float(sys.argv[2])
raw_s, strata_s, rss, kind, fill_s, comp = float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6], float(sys.argv[7]), sys.argv[8]
print(f"records: {records:,} x 1 KiB, acks=all, idempotent, compression {comp}")
print(f"librdkafka producer    : {records / raw_s:12,.0f} records/s  {mb / raw_s:8.1f} MB/s  ({raw_s:.1f} s; first fill {fill_s:.1f} s)")
print(f"strata restore <- {kind:5s}: {records / strata_s:12,.0f} records/s  {mb / strata_s:8.1f} MB/s  ({strata_s:.1f} s, process start to exit)")
print(f"ratio strata/librdkafka: {raw_s / strata_s:.2f}   strata peak RSS: {rss} MiB")
PY
