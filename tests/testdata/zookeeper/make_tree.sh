#!/usr/bin/env bash
# Creates the small znode tree described in README.md on a running ZooKeeper server with
# the server's own CLI, then keeps the CLI session (and so its ephemeral znodes) open for
# HOLD seconds so that a snapshot taken meanwhile contains them.
#
#   make_tree.sh CLASSPATH HOST:PORT HOLD
#
# CLASSPATH: the ZooKeeper jars, e.g. "/usr/share/java/zookeeper.jar:..." (3.8) or
# ".cache/runtimes/zk39/lib/*" (3.9). The server must run with
# -Dzookeeper.extendedTypesEnabled=true (TTL znodes), as scripts/stack.sh starts it.
set -euo pipefail
cp=$1 server=$2 hold=$3
# base64(sha1("u:p")): the digest id ZooKeeper stores for user "u" with password "p".
digest_up='Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ='
{
  cat <<CMDS
create /app hello
create /app/empty ""
create /app/nulldata
create /app/ünïcødé ✓
create -c /c
create /c/child x
create -t 3600000 /t ttl-data
create /seq
create -s /seq/n- a
create -s /seq/n- b
create -s -t 3600000 /seq/ttl- c
create -e /e eph
create -e -s /seq/eph- d
addauth digest u:p
create /secure secret
setAcl /secure digest:u:$digest_up:cdrwa,world:anyone:r
create /ip ipdata
setAcl /ip ip:127.0.0.1:cdrwa
ls -R /
CMDS
  sleep "$hold"
  echo quit
} | java -cp "$cp" org.apache.zookeeper.ZooKeeperMain -server "$server"
