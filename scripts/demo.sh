#!/usr/bin/env bash
# The strata demo: a topic and a consumer group survive the loss of their cluster.
#
#   scripts/demo.sh [--dir DIR] [--skip-setup] [--keep-stack] [--kafka-only]
#
# On a fresh machine: installs what is missing (scripts/setup.sh), builds strata, starts
# the local stack (Kafka 4 KRaft + versitygw), creates example-topic, produces "hello
# world" and 3000 more records, consumes 1000 of them with the consumer group
# demo-group, backs everything up, wipes the broker (a new, empty cluster), restores,
# and shows with Kafka's console consumer that "hello world" is back and that
# demo-group resumes exactly where it left off. Each step is printed; the last line
# says whether the demo succeeded. The repository is the local S3 server when strata
# has an S3 client (and a local directory otherwise); set STRATA_DEMO_REPO to choose.
# STRATA_BUILD_DIR chooses the build directory (default build/).
# Then, unless --kafka-only, the ZooKeeper part (scripts/demo-zookeeper.sh): a Kafka 3.9
# broker in ZooKeeper mode loses its ZooKeeper data and gets it back with strata.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$root/demo
setup=1
keep=0
zookeeper=1
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --skip-setup) setup=0; shift ;;
    --keep-stack) keep=1; shift ;;
    --kafka-only) zookeeper=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

n=0
step() { n=$((n + 1)); if [ -t 1 ]; then printf '\n\033[1m[%d] %s\033[0m\n' "$n" "$*"; else printf '\n[%d] %s\n' "$n" "$*"; fi; }
show() { printf '    $ %s\n' "$*"; }
finish() {
  rc=$?
  [ "$keep" = 1 ] || "$root/scripts/stack.sh" stop --dir "$dir/stack" >/dev/null 2>&1 || true
  if [ "$rc" = 0 ]; then
    printf '\nDEMO SUCCEEDED: "hello world" is back and demo-group resumed at offset %s with "%s"%s.\n' \
      "$committed" "$next_record" "$([ "$zookeeper" = 1 ] && echo '; the ZooKeeper part succeeded too')"
  else
    printf '\nDEMO FAILED at step %d (%s); see the output above.\n' "$n" "${last_step:-}" >&2
  fi
}
committed=
next_record=
trap finish EXIT
fail() { echo "    error: $*" >&2; exit 1; }
run_step() { last_step=$*; step "$@"; }

cd "$root"
mkdir -p "$dir"
topic=example-topic
group=demo-group

if [ "$setup" = 1 ]; then
  run_step "Set up: system packages, Kafka and S3 server runtimes (cached; quick when done before)"
  scripts/setup.sh >"$dir/setup.log" 2>&1 || { tail -20 "$dir/setup.log"; fail "scripts/setup.sh failed"; }
fi

run_step "Build strata"
build=${STRATA_BUILD_DIR:-$root/build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$dir/build.log" 2>&1 &&
  ninja -C "$build" strata >>"$dir/build.log" 2>&1 || { tail -30 "$dir/build.log"; fail "the build failed"; }
strata=$build/src/cli/strata
"$strata" --version

run_step "Start the local stack: Kafka 4.1 (KRaft) and versitygw (S3) on free loopback ports"
scripts/stack.sh stop --dir "$dir/stack" >/dev/null 2>&1 || true
scripts/stack.sh start --dir "$dir/stack" --services kafka,versitygw
# shellcheck disable=SC1091
source "$dir/stack/stack.env"
kafka_tool() { java -cp "$KAFKA_LIB/*" "$@" 2>/dev/null; }
topics() { kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" "$@"; }
console_consumer() {
  kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$KAFKA_BOOTSTRAP" --topic $topic "$@"
}
describe_group() {
  kafka_tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
    --describe --group $group
}
# The committed offset of demo-group on partition 0.
group_offset() { describe_group | awk -v t=$topic '$2 == t && $3 == 0 {print $4}'; }

# The repository: the local S3 server if this strata speaks S3, else a directory.
if [ -n "${STRATA_DEMO_REPO:-}" ]; then
  REPO=$STRATA_DEMO_REPO
elif [ -n "${S3_ENDPOINT:-}" ] && "$strata" backup kafka --help | grep -q -- --s3-endpoint; then
  REPO="s3://$S3_BUCKET/demo-$(date +%Y%m%d%H%M%S)"
  export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_REGION=$S3_REGION
  export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT AWS_EC2_METADATA_DISABLED=true
else
  rm -rf "$dir/repo"
  REPO="file://$dir/repo"
fi
echo "    Kafka: $KAFKA_BOOTSTRAP   repository: $REPO"

run_step "Create $topic and produce \"hello world\" and 3000 more records"
topics --create --topic $topic --partitions 1 --replication-factor 1
echo "hello world" | kcat -P -b "$KAFKA_BOOTSTRAP" -t $topic -p 0
seq 1 3000 | sed 's/^/record /' | kcat -P -b "$KAFKA_BOOTSTRAP" -t $topic -p 0
show "kcat -C -t $topic -o 0 -c 3"
kcat -C -b "$KAFKA_BOOTSTRAP" -t $topic -o 0 -c 3 -e -q | sed 's/^/    /'

run_step "Consume 1000 records with the consumer group $group (Kafka's console consumer)"
console_consumer --group $group --from-beginning --max-messages 1000 \
  --consumer-property max.poll.records=100 >"$dir/consumed.txt"
echo "    consumed $(wc -l <"$dir/consumed.txt") records, the last: \"$(tail -1 "$dir/consumed.txt")\""
committed=$(group_offset)
[ -n "$committed" ] || fail "no committed offset for $group"
next_record=$(kcat -C -b "$KAFKA_BOOTSTRAP" -t $topic -p 0 -o "$committed" -c 1 -e -q)
echo "    $group committed offset $committed: its next record is \"$next_record\""

run_step "Back up the topic and the group's offsets with strata"
show "strata backup kafka -b $KAFKA_BOOTSTRAP -t $topic --to $REPO"
"$strata" backup kafka -b "$KAFKA_BOOTSTRAP" -t $topic --to "$REPO" --no-progress --log-level warn

run_step "Lose the cluster: stop the broker, wipe its data directory, start a new empty cluster"
scripts/stack.sh reset kafka --dir "$dir/stack"
left=$(topics --list | grep -c "^$topic\$" || true)
[ "$left" = 0 ] || fail "$topic still exists after the reset"
echo "    topics named $topic in the new cluster: $left"

run_step "Restore with strata"
show "strata restore kafka --from $REPO -b $KAFKA_BOOTSTRAP"
"$strata" restore kafka --from "$REPO" -b "$KAFKA_BOOTSTRAP" --no-progress --log-level warn

run_step "\"hello world\" is back (console consumer, from the beginning)"
first=$(console_consumer --from-beginning --max-messages 1)
echo "    $first"
[ "$first" = "hello world" ] || fail "the first record is \"$first\", not \"hello world\""

run_step "$group resumes where it left off"
describe_group | sed 's/^/    /'
restored=$(group_offset)
[ "$restored" = "$committed" ] || fail "$group is at offset $restored after the restore, was $committed"
console_consumer --group $group --max-messages 3 >"$dir/resumed.txt"
sed 's/^/    /' "$dir/resumed.txt"
[ "$(head -1 "$dir/resumed.txt")" = "$next_record" ] ||
  fail "$group resumed with \"$(head -1 "$dir/resumed.txt")\", expected \"$next_record\""

run_step "Verify the restored topic against the backup, record by record"
"$strata" verify --from "$REPO" --against-kafka "$KAFKA_BOOTSTRAP" -t $topic --log-level warn

if [ "$zookeeper" = 1 ]; then
  run_step "ZooKeeper part: a Kafka 3.9 broker in ZooKeeper mode loses ZooKeeper (scripts/demo-zookeeper.sh)"
  zk_args=(--skip-setup --dir "$dir/zookeeper")
  [ "$keep" = 1 ] && zk_args+=(--keep-stack)
  if ! STRATA_BUILD_DIR=$build scripts/demo-zookeeper.sh "${zk_args[@]}" 2>&1 | sed 's/^/    /'; then
    fail "the ZooKeeper part failed"
  fi
fi
