#!/usr/bin/env bash
# The local stack: real servers on 127.0.0.1, on free ports, for tests and the demo.
#
#   scripts/stack.sh start  [--dir DIR] [--services LIST] [--with NAME]... [--keep-data]
#   scripts/stack.sh stop   [--dir DIR]
#   scripts/stack.sh status [--dir DIR]
#   scripts/stack.sh reset kafka [--dir DIR]   wipe the KRaft broker (a new, empty cluster)
#
# Services (default: zk,kafka,kafka39,versitygw):
#   zk         ZooKeeper 3.8 from Debian's package (AdminServer on, TTL nodes on,
#              container check every second)
#   kafka      Apache Kafka 4.x, KRaft combined mode (broker + controller); a PLAINTEXT
#              listener, a SASL_PLAINTEXT one (mechanism PLAIN, one user; the env file
#              names it) and an SSL one (a certificate for 127.0.0.1 from a CA made at
#              start; the env file names the CA's PEM file, and another CA's that signed
#              nothing) for authentication and TLS tests
#   kafka39    Apache Kafka 3.9 in ZooKeeper mode, on zk under the chroot /kafka39
#   versitygw  versitygw, S3-compatible server (posix backend, checks SigV4)
#   s3proxy    s3proxy 4.x, a second S3-compatible server (in-memory)
#   zk39       ZooKeeper 3.9 from Maven Central (AdminServer snapshot/restore commands)
#
# A stack starts with empty servers; --keep-data reuses the data of the last stack in DIR.
# DIR (default <repo>/stack) holds every server's data, logs and PID file, and the env
# file DIR/stack.env that tests and the demo read. Two stacks in two directories do not
# collide. `stop` ends exactly the processes that `start` recorded.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${STRATA_CACHE:-$repo/.cache}
READY_TIMEOUT=${STRATA_STACK_TIMEOUT:-90}
S3_ACCESS_KEY=strata-test
S3_SECRET_KEY=strata-test-secret
S3_REGION=us-east-1
S3_BUCKET=strata-test
KAFKA_SASL_USER=strata
KAFKA_SASL_PASSWORD=strata-sasl-secret

log() { printf '[stack] %s\n' "$*"; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# Prints N distinct free TCP ports on 127.0.0.1 (the kernel chooses them).
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# --- per-service start functions: each launches the server in the background with its
# --- PID in $dir/NAME.pid and its output in $dir/NAME.log, and returns at once.

launch() {  # launch NAME CMD...   (the recorded PID is the server's own, not a shell's)
  local name=$1; shift
  "$@" >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

debian_zk_classpath() {
  local jar; jar=$(dpkg -L libzookeeper-java 2>/dev/null | grep '/zookeeper\.jar$' | head -1)
  [ -n "$jar" ] || die "Debian's zookeeper package is not installed; run scripts/setup.sh"
  local js; js=$(dirname "$jar")
  # The jar's manifest lists Jetty but not the servlet API, and no logging backend.
  echo "$jar:$js/servlet-api.jar:$js/slf4j-simple.jar"
}

zk_config() {  # zk_config DATADIR CLIENTPORT ADMINPORT
  cat <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$1
clientPort=$2
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=*
admin.enableServer=true
admin.serverAddress=127.0.0.1
admin.serverPort=$3
autopurge.purgeInterval=0
EOF
}

# System properties for a test ZooKeeper: TTL nodes need extended types; a short container
# check interval lets tests see empty containers reaped; a raised jute.maxbuffer allows
# the 1 MB znodes tests write (the default is exactly 1 MiB minus headers).
ZK_TEST_PROPS=(-Dzookeeper.extendedTypesEnabled=true -Dznode.container.checkIntervalMs=1000
               -Dznode.container.maxPerMinute=100000 -Djute.maxbuffer=4194304)

start_zk() {
  mkdir -p "$dir/zk-data"
  zk_config "$dir/zk-data" "$ZK_PORT" "$ZK_ADMIN_PORT" >"$dir/zoo.cfg"
  launch zk java -Xms64m -Xmx512m "${ZK_TEST_PROPS[@]}" -cp "$(debian_zk_classpath)" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg"
}

# logback logs DEBUG to the console unless configured.
logback_info() {
  printf '%s\n' '<configuration>' \
    '  <appender name="O" class="ch.qos.logback.core.ConsoleAppender">' \
    '    <encoder><pattern>%d %-5level %logger{36} - %msg%n</pattern></encoder></appender>' \
    '  <root level="INFO"><appender-ref ref="O"/></root>' '</configuration>'
}

start_zk39() {
  local lib="$cache/runtimes/zk39/lib"
  [ -d "$lib" ] || die "ZooKeeper 3.9 runtime missing in $lib; run scripts/setup.sh"
  mkdir -p "$dir/zk39-data"
  zk_config "$dir/zk39-data" "$ZK39_PORT" "$ZK39_ADMIN_PORT" >"$dir/zoo39.cfg"
  logback_info >"$dir/zk39-logback.xml"
  # The snapshot admin command is rate limited (5 min by default); tests call it often.
  launch zk39 java -Xms64m -Xmx512m "${ZK_TEST_PROPS[@]}" -Dzookeeper.admin.rateLimiterIntervalInMS=1 \
    -Dlogback.configurationFile="$dir/zk39-logback.xml" -cp "$lib/*" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo39.cfg"
}

KAFKA_JVM=(-Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true)

# Broker settings for a one-node test cluster: every internal topic at RF 1, few threads.
kafka_common_props() {
  cat <<EOF
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
log.retention.check.interval.ms=1000
log.cleaner.backoff.ms=500
log.segment.delete.delay.ms=1000
EOF
}

# A test CA, the broker's certificate for 127.0.0.1 signed by it (Kafka's PEM keystore:
# the unencrypted PKCS#8 key, then the certificate), and a second CA that signed nothing,
# for clients that must fail to verify the broker. All in $dir/tls.
make_tls() {
  local t="$dir/tls"
  rm -rf "$t"; mkdir -p "$t"
  (
    cd "$t"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=strata test CA" \
      -keyout ca.key -out ca.pem
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=strata other CA" \
      -keyout other-ca.key -out other-ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout broker.key -out broker.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile san.ext -out broker.crt
    openssl pkcs8 -topk8 -nocrypt -in broker.key -out broker.p8
    cat broker.p8 broker.crt >broker.pem
  ) >"$dir/tls.log" 2>&1 || die "openssl could not make the test certificates (see $dir/tls.log)"
}

start_kafka() {
  local lib="$cache/runtimes/kafka4/lib"
  [ -d "$lib" ] || die "Kafka 4 runtime missing in $lib; run scripts/setup.sh"
  mkdir -p "$dir/kafka-logs"
  [ -s "$dir/tls/broker.pem" ] || make_tls
  {
    cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CTRL_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT,SSL://127.0.0.1:$KAFKA_SSL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT,SSL://127.0.0.1:$KAFKA_SSL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=$dir/tls/broker.pem
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USER="$KAFKA_SASL_PASSWORD";
log.dirs=$dir/kafka-logs
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
EOF
    kafka_common_props
  } >"$dir/kafka.properties"
  cat >"$dir/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.req.name = kafka.request.logger
logger.req.level = WARN
EOF
  local jopts=("${KAFKA_JVM[@]}" -Dlog4j2.configurationFile="$dir/log4j2.properties")
  # The cluster id is kept beside the data, so a restart with --keep-data matches it.
  [ -f "$dir/kafka-cluster-id" ] && [ -d "$dir/kafka-logs" ] || python3 -c \
    'import base64,uuid;print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))' \
    >"$dir/kafka-cluster-id"
  local cid; cid=$(cat "$dir/kafka-cluster-id")
  java "${jopts[@]}" -cp "$lib/*" kafka.tools.StorageTool format -t "$cid" \
    -c "$dir/kafka.properties" --ignore-formatted >"$dir/kafka-format.log" 2>&1 \
    || { tail -20 "$dir/kafka-format.log" >&2; die "formatting the KRaft log directory failed"; }
  launch kafka java "${jopts[@]}" -cp "$lib/*" kafka.Kafka "$dir/kafka.properties"
}

start_kafka39() {
  local lib="$cache/runtimes/kafka39/lib"
  [ -d "$lib" ] || die "Kafka 3.9 runtime missing in $lib; run scripts/setup.sh"
  mkdir -p "$dir/kafka39-logs"
  {
    cat <<EOF
broker.id=0
zookeeper.connect=127.0.0.1:$ZK_PORT/kafka39
zookeeper.connection.timeout.ms=18000
zookeeper.session.timeout.ms=18000
listeners=PLAINTEXT://127.0.0.1:$KAFKA39_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA39_PORT
log.dirs=$dir/kafka39-logs
EOF
    kafka_common_props
  } >"$dir/kafka39.properties"
  cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  launch kafka39 java "${KAFKA_JVM[@]}" -Dlog4j.configuration="file:$dir/log4j.properties" \
    -cp "$lib/*" kafka.Kafka "$dir/kafka39.properties"
}

start_versitygw() {
  local bin="$cache/bin/versitygw"
  [ -x "$bin" ] || die "versitygw missing in $bin; run scripts/setup.sh"
  mkdir -p "$dir/versitygw/data" "$dir/versitygw/versions" "$dir/versitygw/meta"
  # --sidecar keeps metadata in files, so the data directory may sit on any filesystem.
  ROOT_ACCESS_KEY=$S3_ACCESS_KEY ROOT_SECRET_KEY=$S3_SECRET_KEY \
    launch versitygw "$bin" --port "127.0.0.1:$VERSITYGW_PORT" --region "$S3_REGION" \
    posix --sidecar "$dir/versitygw/meta" --versioning-dir "$dir/versitygw/versions" "$dir/versitygw/data"
}

start_s3proxy() {
  local lib="$cache/runtimes/s3proxy/lib"
  [ -d "$lib" ] || die "s3proxy runtime missing in $lib; run scripts/setup.sh"
  cat >"$dir/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3PROXY_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
jclouds.provider=transient
jclouds.identity=unused
jclouds.credential=unused
EOF
  logback_info >"$dir/s3proxy-logback.xml"
  launch s3proxy java -Xms64m -Xmx512m -Dlogback.configurationFile="$dir/s3proxy-logback.xml" \
    -cp "$lib/*" org.gaul.s3proxy.Main --properties "$dir/s3proxy.conf"
}

# --- readiness probes: return 0 once the server really answers a client request.

zk_ruok() { [ "$(echo ruok | nc -w 2 127.0.0.1 "$1" 2>/dev/null)" = imok ]; }
kafka_meta() { kcat -b "127.0.0.1:$1" -L -m 2 >/dev/null 2>&1; }
# ListBuckets signed with SigV4; then make sure the test bucket exists. curl 7.88 does not
# send x-amz-content-sha256, which s3proxy requires: pass the hash of the empty body.
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
s3_curl() {
  curl -s --max-time 3 -H "x-amz-content-sha256: $EMPTY_SHA256" --aws-sigv4 "aws:amz:$S3_REGION:s3" \
    -u "$S3_ACCESS_KEY:$S3_SECRET_KEY" "$@"
}
s3_ready() {
  local ep=$1
  s3_curl -f -o /dev/null "$ep/" || return 1
  local code
  code=$(s3_curl -o /dev/null -w '%{http_code}' -X PUT "$ep/$S3_BUCKET")
  [ "$code" = 200 ] || [ "$code" = 409 ]
}

probe() {
  case "$1" in
    zk) zk_ruok "$ZK_PORT" ;;
    zk39) zk_ruok "$ZK39_PORT" ;;
    kafka) kafka_meta "$KAFKA_PORT" ;;
    kafka39) kafka_meta "$KAFKA39_PORT" ;;
    versitygw) s3_ready "http://127.0.0.1:$VERSITYGW_PORT" ;;
    s3proxy) s3_ready "http://127.0.0.1:$S3PROXY_PORT" ;;
  esac
}

alive() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

# Waits until every named service answers; on failure prints the log tail and returns 1.
wait_ready() {
  local start=$SECONDS pending=("$@") still
  while [ ${#pending[@]} -gt 0 ]; do
    still=()
    for s in "${pending[@]}"; do
      if probe "$s"; then
        log "$s ready after $((SECONDS - start)) s"
      elif ! alive "$s"; then
        printf '[stack] error: %s exited during start; last lines of %s:\n' "$s" "$dir/$s.log" >&2
        tail -25 "$dir/$s.log" >&2; return 1
      else
        still+=("$s")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    [ ${#pending[@]} -eq 0 ] && break
    if [ $((SECONDS - start)) -ge "$READY_TIMEOUT" ]; then
      for s in "${pending[@]}"; do
        printf '[stack] error: %s did not answer within %s s; last lines of %s:\n' \
          "$s" "$READY_TIMEOUT" "$dir/$s.log" >&2
        tail -25 "$dir/$s.log" >&2
      done
      return 1
    fi
    sleep 0.5
  done
}

write_env() {
  local f="$dir/stack.env"
  {
    echo "# Written by scripts/stack.sh start; read by tests and the demo. Shell syntax."
    echo "STRATA_STACK_DIR=$dir"
    echo "STRATA_STACK_SERVICES=$(IFS=,; echo "${services[*]}")"
    has zk && echo "ZK_CONNECT=127.0.0.1:$ZK_PORT" && echo "ZK_ADMIN_URL=http://127.0.0.1:$ZK_ADMIN_PORT"
    has zk39 && echo "ZK39_CONNECT=127.0.0.1:$ZK39_PORT" && echo "ZK39_ADMIN_URL=http://127.0.0.1:$ZK39_ADMIN_PORT"
    if has kafka; then
      echo "KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
      echo "KAFKA_SASL_BOOTSTRAP=127.0.0.1:$KAFKA_SASL_PORT"
      echo "KAFKA_SASL_USER=$KAFKA_SASL_USER"
      echo "KAFKA_SASL_PASSWORD=$KAFKA_SASL_PASSWORD"
      echo "KAFKA_SSL_BOOTSTRAP=127.0.0.1:$KAFKA_SSL_PORT"
      echo "KAFKA_SSL_CA=$dir/tls/ca.pem"
      echo "KAFKA_SSL_OTHER_CA=$dir/tls/other-ca.pem"
      echo "KAFKA_LIB=$cache/runtimes/kafka4/lib"
    fi
    if has kafka39; then
      echo "KAFKA39_BOOTSTRAP=127.0.0.1:$KAFKA39_PORT"
      echo "KAFKA39_ZK_CONNECT=127.0.0.1:$ZK_PORT/kafka39"
      echo "KAFKA39_LIB=$cache/runtimes/kafka39/lib"
    fi
    if has versitygw || has s3proxy; then
      echo "S3_ACCESS_KEY=$S3_ACCESS_KEY"
      echo "S3_SECRET_KEY=$S3_SECRET_KEY"
      echo "S3_REGION=$S3_REGION"
      echo "S3_BUCKET=$S3_BUCKET"
    fi
    has versitygw && echo "S3_ENDPOINT=http://127.0.0.1:$VERSITYGW_PORT"
    has s3proxy && echo "S3PROXY_ENDPOINT=http://127.0.0.1:$S3PROXY_PORT"
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

has() { local s; for s in "${services[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

cmd_start() {
  mkdir -p "$dir"
  for s in zk zk39 kafka kafka39 versitygw s3proxy; do
    alive "$s" && die "a stack is already running in $dir ($s, pid $(cat "$dir/$s.pid")); stop it first"
  done
  rm -f "$dir"/*.pid "$dir/stack.env"
  # A stack starts empty unless asked to keep what the last one stored.
  [ "$keep_data" = 1 ] || rm -rf "$dir"/{zk-data,zk39-data,kafka-logs,kafka39-logs,versitygw,kafka-cluster-id,tls}
  has kafka39 && ! has zk && die "kafka39 needs zk in --services"
  read -r ZK_PORT ZK_ADMIN_PORT ZK39_PORT ZK39_ADMIN_PORT KAFKA_PORT KAFKA_CTRL_PORT KAFKA39_PORT \
    VERSITYGW_PORT S3PROXY_PORT KAFKA_SASL_PORT KAFKA_SSL_PORT < <(free_ports 11)
  local t0=$SECONDS
  # Whatever fails from here on (die, a failed command), what was started is stopped,
  # so no process is left behind.
  started_ok=0
  trap '[ "$started_ok" = 1 ] || cmd_stop >/dev/null 2>&1 || true' EXIT
  has zk && start_zk
  has zk39 && start_zk39
  has kafka && start_kafka
  has versitygw && start_versitygw
  has s3proxy && start_s3proxy
  # The ZooKeeper-mode broker gives up if ZooKeeper is not there yet.
  if has kafka39; then
    wait_ready zk || die "ZooKeeper did not start"
    start_kafka39
  fi
  local rest=() x
  for x in "${services[@]}"; do { has kafka39 && [ "$x" = zk ]; } || rest+=("$x"); done
  wait_ready "${rest[@]}" || die "the stack did not start (logs in $dir)"
  started_ok=1
  write_env
  log "started ${services[*]} in $((SECONDS - t0)) s; env file: $dir/stack.env"
}

cmd_stop() {
  [ -d "$dir" ] || return 0
  local pids=() names=()
  for f in "$dir"/*.pid; do
    [ -f "$f" ] || continue
    local pid; pid=$(cat "$f"); local name; name=$(basename "$f" .pid)
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); names+=("$name"); fi
    rm -f "$f"
  done
  # Kafka's controlled shutdown takes a few seconds; give up waiting after 30 s.
  local deadline=$((SECONDS + 30)) i
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      log "${names[$i]} (pid ${pids[$i]}) ignored SIGTERM; killing it"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
    log "stopped ${names[$i]}"
  done
  rm -f "$dir/stack.env"
}

cmd_status() {
  local any=0
  for f in "$dir"/*.pid; do
    [ -f "$f" ] || continue
    any=1
    local name; name=$(basename "$f" .pid)
    if alive "$name"; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: not running (stale pid file)"; fi
  done
  [ "$any" = 1 ] || { echo "no stack in $dir"; return 3; }
  [ -f "$dir/stack.env" ] && grep -v '^#' "$dir/stack.env"
  return 0
}

# Stops the KRaft broker, deletes its data directory and cluster id, formats a new
# cluster and starts it on the same ports: "the cluster was lost", for the demo.
cmd_reset() {
  [ "$reset_target" = kafka ] || die "reset: only the KRaft broker can be reset: scripts/stack.sh reset kafka"
  [ -f "$dir/kafka.properties" ] || die "no kafka in $dir"
  if alive kafka; then
    local pid; pid=$(cat "$dir/kafka.pid"); kill -TERM "$pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir/kafka-logs" "$dir/kafka-cluster-id" "$dir/kafka.pid"
  KAFKA_PORT=$(sed -n 's|^listeners=PLAINTEXT://127.0.0.1:\([0-9]*\),.*|\1|p' "$dir/kafka.properties")
  KAFKA_CTRL_PORT=$(sed -n 's|^controller.quorum.voters=1@127.0.0.1:\([0-9]*\)$|\1|p' "$dir/kafka.properties")
  KAFKA_SASL_PORT=$(sed -n 's|^listeners=.*SASL_PLAINTEXT://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/kafka.properties")
  KAFKA_SSL_PORT=$(sed -n 's|^listeners=.*,SSL://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/kafka.properties")
  start_kafka
  wait_ready kafka || die "kafka did not start again (logs in $dir)"
  log "kafka reset: new empty cluster $(cat "$dir/kafka-cluster-id") on 127.0.0.1:$KAFKA_PORT"
}

action=${1:-}
[ -n "$action" ] || { sed -n '2,21p' "$0"; exit 2; }
shift
dir=${STRATA_STACK_DIR:-$repo/stack}
services=(zk kafka kafka39 versitygw)
keep_data=0
reset_target=
if [ "$action" = reset ] && [ $# -gt 0 ]; then reset_target=$1; shift; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --services) IFS=, read -r -a services <<<"$2"; shift 2 ;;
    --with) services+=("$2"); shift 2 ;;
    --keep-data) keep_data=1; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
for s in "${services[@]}"; do
  case "$s" in zk|zk39|kafka|kafka39|versitygw|s3proxy) ;; *) die "unknown service $s" ;; esac
done
mkdir -p "$dir" 2>/dev/null || true
dir=$(cd "$dir" && pwd)

case "$action" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *) die "unknown action $action (start, stop, status, reset)" ;;
esac
