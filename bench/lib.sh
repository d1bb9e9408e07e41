# Sourced by the bench scripts that run on a private stack (Kafka and/or versitygw in a
# temp directory, on free loopback ports).
#
#   bench_start_stack SERVICES   sets `work` (a temp directory) and `stack`, starts the
#                                stack there and sources its env file
#
# At exit the stack is stopped and `work` deleted (its Kafka logs and S3 data are
# gigabytes), unless `keep` is 1; the paths in the array `bench_scratch` are deleted
# either way.
bench_scratch=()

bench_cleanup() {
  if [ "${keep:-0}" = 1 ]; then
    echo "stack kept in $stack (stop it with: scripts/stack.sh stop --dir $stack)" >&2
  else
    scripts/stack.sh stop --dir "$stack" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
  rm -rf "${bench_scratch[@]+"${bench_scratch[@]}"}"
}

bench_start_stack() {
  work=$(mktemp -d)
  stack=$work/stack
  trap bench_cleanup EXIT
  scripts/stack.sh start --dir "$stack" --services "$1" >/dev/null
  # shellcheck disable=SC1091
  source "$stack/stack.env"
}
