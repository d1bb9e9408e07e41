#!/usr/bin/env bash
# Installs everything strata needs to build, test and run its local stack on Debian 12.
# Safe to run again: each step checks what is already there, so a second run takes seconds.
#
#   scripts/setup.sh            apt packages + Maven runtimes + versitygw
#   scripts/setup.sh --no-apt   skip the apt step (for a machine that is set up by other means)
#
# Downloads land in one ignored directory: $STRATA_CACHE (default: <repo>/.cache).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${STRATA_CACHE:-$repo/.cache}
mkdir -p "$cache/bin" "$cache/runtimes"

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates openssl netcat-openbsd
  librdkafka-dev libzookeeper-mt-dev libcurl4-openssl-dev libssl-dev libzstd-dev liblz4-dev libzip-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev libgtest-dev libgmock-dev
  libbenchmark-dev zlib1g-dev zookeeper kcat awscli default-jdk-headless maven golang-go
)

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # A machine may bring its own Go or JDK; do not install Debian's on top of a working one.
  if command -v go >/dev/null; then missing=("${missing[@]/golang-go}"); fi
  if command -v java >/dev/null && command -v mvn >/dev/null; then
    missing=("${missing[@]/default-jdk-headless}"); missing=("${missing[@]/maven}")
  fi
  local want=()
  for p in "${missing[@]}"; do [ -n "$p" ] && want+=("$p"); done
  if [ ${#want[@]} -eq 0 ]; then log "apt packages: present"; return; fi
  log "apt packages: installing ${want[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
}

# Resolves one Maven runtime (scripts/runtimes/NAME/pom.xml) into $cache/runtimes/NAME/lib.
# A stamp holding the pom's hash makes the second run a no-op.
install_runtime() {
  local name=$1 pom="$repo/scripts/runtimes/$1/pom.xml" dest="$cache/runtimes/$1"
  local want; want=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$want" ]; then
    log "maven runtime $name: present"; return
  fi
  log "maven runtime $name: resolving"
  rm -rf "$dest"; mkdir -p "$dest"
  cp "$pom" "$dest/pom.xml"
  if ! (cd "$dest" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory=lib >"$dest/mvn.log" 2>&1); then
    tail -20 "$dest/mvn.log" >&2
    die "maven could not resolve runtime $name (log: $dest/mvn.log)"
  fi
  echo "$want" > "$dest/.stamp"
}

VERSITYGW_VERSION=v1.7.0
install_versitygw() {
  local bin="$cache/bin/versitygw" stamp="$cache/bin/.versitygw-version"
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$VERSITYGW_VERSION" ]; then
    log "versitygw $VERSITYGW_VERSION: present"; return
  fi
  log "versitygw $VERSITYGW_VERSION: building with the Go module proxy"
  GOBIN="$cache/bin" CGO_ENABLED=0 go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" \
    || die "go install versitygw@$VERSITYGW_VERSION failed"
  echo "$VERSITYGW_VERSION" > "$stamp"
}

apt=1
for a in "$@"; do
  case "$a" in
    --no-apt) apt=0 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown option $a" ;;
  esac
done

[ "$apt" = 1 ] && install_apt
# The Maven and Go steps are independent network downloads; run them side by side.
pids=()
for r in kafka4 kafka39 s3proxy zk39; do install_runtime "$r" & pids+=($!); done
install_versitygw & pids+=($!)
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ "$fail" = 0 ] || die "one or more downloads failed (see above)"
log "done; cache: $cache"
