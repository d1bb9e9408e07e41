#!/usr/bin/env bash
# The strata ZooKeeper demo: a ZooKeeper-mode Kafka cluster survives losing ZooKeeper.
#
#   scripts/demo-zookeeper.sh [--dir DIR] [--skip-setup] [--keep-stack]
#
# Starts ZooKeeper 3.8 and a Kafka 3.9 broker in ZooKeeper mode (scripts/stack.sh),
# creates zk-demo-topic (retention.ms=86400000) with "hello zookeeper" and
# 99 more records, lets the consumer group zk-demo-group read 40 of them, backs up
# ZooKeeper with strata, then loses ZooKeeper (stopped, data directory wiped, started
# empty on the same port; the broker keeps its log directories). The broker refuses to
# start against the empty ZooKeeper; `strata restore zookeeper --profile kafka` shows its
# plan and restores; after a restart of the broker the topic, its config and its records
# are back and zk-demo-group resumes where it stopped. Each step is printed; the last
# line says whether the demo succeeded. STRATA_BUILD_DIR chooses the build directory.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$root/demo-zookeeper
setup=1
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --skip-setup) setup=0; shift ;;
    --keep-stack) keep=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "demo-zookeeper.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

n=0
last_step=
step() {
  n=$((n + 1)); last_step=$*
  if [ -t 1 ]; then printf '\n\033[1m[%d] %s\033[0m\n' "$n" "$*"; else printf '\n[%d] %s\n' "$n" "$*"; fi
}
show() { printf '    $ %s\n' "$*"; }
fail() { echo "    error: $*" >&2; exit 1; }
finish() {
  rc=$?
  [ "$keep" = 1 ] || "$root/scripts/stack.sh" stop --dir "$dir/stack" >/dev/null 2>&1 || true
  if [ "$rc" = 0 ]; then
    printf '\nDEMO SUCCEEDED: the topic, its config and "hello zookeeper" are back; zk-demo-group resumed at offset 40.\n'
  else
    printf '\nDEMO FAILED at step %d (%s); see the output above.\n' "$n" "$last_step" >&2
  fi
}
trap finish EXIT

cd "$root"
mkdir -p "$dir"
build=${STRATA_BUILD_DIR:-$root/build}
strata=$build/src/cli/strata
topic=zk-demo-topic
group=zk-demo-group

if [ "$setup" = 1 ]; then
  step "Set up: system packages and the Kafka/ZooKeeper runtimes (cached)"
  scripts/setup.sh >"$dir/setup.log" 2>&1 || { tail -20 "$dir/setup.log"; fail "scripts/setup.sh failed"; }
fi

step "Build strata"
{ cmake -S . -B "$build" -G Ninja >/dev/null && ninja -C "$build" strata >"$dir/build.log" 2>&1; } \
  || { tail -20 "$dir/build.log"; fail "build failed"; }

step "Start ZooKeeper 3.8 and a Kafka 3.9 broker in ZooKeeper mode (chroot /kafka39)"
scripts/stack.sh stop --dir "$dir/stack" >/dev/null 2>&1 || true
scripts/stack.sh start --dir "$dir/stack" --services zk,kafka39 | sed 's/^/    /'
# shellcheck disable=SC1091
source "$dir/stack/stack.env"
printf '%s\n' 'log4j.rootLogger=WARN, stderr' 'log4j.appender.stderr=org.apache.log4j.ConsoleAppender' \
  'log4j.appender.stderr.Target=System.err' 'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout' \
  >"$dir/tools-log4j.properties"
kafka_tool() { java -Dlog4j.configuration="file:$dir/tools-log4j.properties" -cp "$KAFKA39_LIB/*" "$@" 2>/dev/null; }

step "Create $topic with a config, produce \"hello zookeeper\" and 99 more, let $group read 40"
show "kafka-topics --create --topic $topic --partitions 1 --config retention.ms=86400000"
kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA39_BOOTSTRAP" --create --topic "$topic" \
  --partitions 1 --replication-factor 1 --config retention.ms=86400000 | sed 's/^/    /'
{ echo "hello zookeeper"; for i in $(seq 1 99); do echo "record $i"; done; } \
  | kcat -P -b "$KAFKA39_BOOTSTRAP" -t "$topic" -p 0
show "kcat -G $group (reads 40 records, commits)"
kcat -b "$KAFKA39_BOOTSTRAP" -G "$group" -X auto.offset.reset=earliest -c 40 -e -q "$topic" >/dev/null
committed=$(kafka_tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "$KAFKA39_BOOTSTRAP" \
  --describe --group "$group" | awk -v t="$topic" '$2 == t {print $4}')
echo "    $group committed offset: $committed"
[ "$committed" = 40 ] || fail "expected committed offset 40, got '$committed'"

step "Back up ZooKeeper with strata"
show "strata backup zookeeper --zookeeper $KAFKA39_ZK_CONNECT --to $dir/repo --name kafka39"
"$strata" backup zookeeper --zookeeper "$KAFKA39_ZK_CONNECT" --to "$dir/repo" --name kafka39 --no-progress 2>/dev/null \
  | sed 's/^/    /'
manifest=$(ls "$dir"/repo/zookeeper/kafka39/*.json | tail -1)
python3 - "$manifest" <<'EOF' | sed 's/^/    /'
import json, sys
m = json.load(open(sys.argv[1]))
c = m["consistency"]
print(f"manifest: {m['counts']['znodes']} znodes ({m['counts']['ephemeral']} ephemeral), "
      f"zxid range {c['zxid_start']}..{c['zxid_end']}, exact: {c['exact']}")
EOF

restart_args() { tr '\0' '\n' <"/proc/$(cat "$dir/stack/$1.pid")/cmdline"; }
launch() {  # launch NAME: start the service again with its recorded command line
  local -a args
  mapfile -t args <"$dir/stack/$1.cmdline"
  (cd "$dir/stack" && exec "${args[@]}" >>"$dir/stack/$1.log" 2>&1 </dev/null) &
  echo $! >"$dir/stack/$1.pid"
}
stop_service() {
  local pid; pid=$(cat "$dir/stack/$1.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

step "Lose ZooKeeper: stop the broker and ZooKeeper, wipe ZooKeeper's data, start it empty"
restart_args kafka39 >"$dir/stack/kafka39.cmdline"
restart_args zk >"$dir/stack/zk.cmdline"
stop_service kafka39
stop_service zk
rm -rf "$dir/stack/zk-data" && mkdir -p "$dir/stack/zk-data"
launch zk
for _ in $(seq 1 120); do [ "$(echo ruok | nc -w 2 127.0.0.1 "${ZK_CONNECT##*:}" 2>/dev/null)" = imok ] && break; sleep 0.5; done
echo "    ZooKeeper is up and empty"

step "Start the broker against the empty ZooKeeper"
launch kafka39
for _ in $(seq 1 120); do kill -0 "$(cat "$dir/stack/kafka39.pid")" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$(cat "$dir/stack/kafka39.pid")" 2>/dev/null; then
  echo "    the broker is running (it made a new cluster id)"
else
  echo "    the broker stopped:"
  grep -o 'Invalid cluster.id in: .*' "$dir/stack/kafka39.log" | tail -1 | sed 's/^/      /' || true
fi

step "Plan the restore (dry run) with the Kafka profile"
show "strata restore zookeeper --from $dir/repo --zookeeper $KAFKA39_ZK_CONNECT --profile kafka --dry-run"
"$strata" restore zookeeper --from "$dir/repo" --zookeeper "$KAFKA39_ZK_CONNECT" --profile kafka --dry-run 2>/dev/null \
  | grep -v ' skip-exists$' | sed 's/^/    /'

step "Restore"
show "strata restore zookeeper --from $dir/repo --zookeeper $KAFKA39_ZK_CONNECT --profile kafka"
"$strata" restore zookeeper --from "$dir/repo" --zookeeper "$KAFKA39_ZK_CONNECT" --profile kafka --no-progress 2>/dev/null \
  | sed 's/^/    /'

step "Restart the broker; the topic, its config, its records and the group are back"
stop_service kafka39
launch kafka39
for _ in $(seq 1 180); do
  kcat -b "$KAFKA39_BOOTSTRAP" -L -t "$topic" 2>/dev/null | grep -q 'leader: 0' && break
  sleep 0.5
done
show "kafka-topics --describe --topic $topic"
kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA39_BOOTSTRAP" --describe --topic "$topic" \
  | sed 's/^/    /' | tee "$dir/describe.txt"
grep -q 'retention.ms=86400000' "$dir/describe.txt" || fail "the topic's config is not back"
first=$(kcat -b "$KAFKA39_BOOTSTRAP" -C -t "$topic" -p 0 -o beginning -c 1 -e -q)
echo "    first record: $first"
[ "$first" = "hello zookeeper" ] || fail "\"hello zookeeper\" is not back"
next=$(kcat -b "$KAFKA39_BOOTSTRAP" -G "$group" -c 1 -e -q "$topic")
echo "    $group reads next: $next"
[ "$next" = "record 40" ] || fail "$group did not resume at offset 40 (got '$next')"
