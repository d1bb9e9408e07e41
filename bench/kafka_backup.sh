#!/usr/bin/env bash
# Kafka backup throughput: strata vs. librdkafka alone (kcat draining to /dev/null), on
# the same topic in the same run. Prints records/s and MB/s of each, their ratio, and
# strata's peak memory.
#
#   bench/kafka_backup.sh [--gib N] [--partitions P] [--repo file|s3] [--reader auto|raw|librdkafka]
#                         [--keep-stack]
#
# Starts a private stack (Kafka 4 KRaft + versitygw) in a temp directory, fills a topic
# with 1 KiB records, and stops the stack at the end. Builds strata (RelWithDebInfo) first.
set -euo pipefail
export AWS_EC2_METADATA_DISABLED=true

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gib=2
partitions=8
repo_kind=file
reader=auto
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --gib) gib=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --repo) repo_kind=$2; shift 2 ;;
    --reader) reader=$2; shift 2 ;;
    --keep-stack) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

cd "$repo_dir"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build strata >/dev/null
strata=$repo_dir/build/src/cli/strata

work=$(mktemp -d)
stack=$work/stack
cleanup() {
  [ "$keep" = 1 ] || scripts/stack.sh stop --dir "$stack" >/dev/null 2>&1 || true
  rm -rf "$work/repo"
}
trap cleanup EXIT
scripts/stack.sh start --dir "$stack" --services kafka,versitygw >/dev/null
# shellcheck disable=SC1091
source "$stack/stack.env"

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
mb=$(python3 -c "print($records * 1024 / 1e6)")

t0=$(now)
kcat -C -b "$KAFKA_BOOTSTRAP" -t $topic -e -q -o beginning -f '%s' >/dev/null
t1=$(now)
kcat_s=$(python3 -c "print($t1 - $t0)")

case "$repo_kind" in
  file) url=$work/repo ;;
  s3) url="s3://$S3_BUCKET/bench-$(date +%s)"
      export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_REGION=$S3_REGION
      export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT ;;
  *) echo "--repo file|s3" >&2; exit 2 ;;
esac
t0=$(now)
/usr/bin/time -f '%M' -o "$work/rss" "$strata" backup kafka -b "$KAFKA_BOOTSTRAP" -t $topic --to "$url" \
  --reader "$reader" --no-progress --log-level warn
t1=$(now)
strata_s=$(python3 -c "print($t1 - $t0)")
rss_mib=$(python3 -c "print(round($(cat "$work/rss") / 1024))")

# auto is raw here: the private stack's listener is PLAINTEXT.
[ "$reader" = auto ] && reader_shown="auto (raw)" || reader_shown=$reader
python3 - "$records" "$mb" "$kcat_s" "$strata_s" "$rss_mib" "$repo_kind" "$reader_shown" <<'EOF'
import sys
records, mb, kcat_s, strata_s, rss, kind, reader = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
print(f"strata reader: {reader}")
print(f"kcat -> /dev/null : {records / kcat_s:12,.0f} records/s  {mb / kcat_s:8.1f} MB/s  ({kcat_s:.1f} s)")
print(f"strata -> {kind:8s}: {records / strata_s:12,.0f} records/s  {mb / strata_s:8.1f} MB/s  ({strata_s:.1f} s)")
print(f"ratio strata/kcat: {kcat_s / strata_s:.2f}   strata peak RSS: {rss} MiB")
EOF
