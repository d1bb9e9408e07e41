#!/usr/bin/env bash
# S3 transfer throughput: strata's S3 store vs. the AWS CLI (`aws s3 cp`), uploading and
# downloading the same file through a private versitygw, same part size and concurrency.
# Prints MB/s of each, the ratios and strata's peak RSS.
#
#   bench/s3_transfer.sh [--size-mib 1024] [--part-mib 8] [--parallel 4] [--keep-stack]
#
# Builds bench/s3_transfer_bench (RelWithDebInfo, in build-bench/), starts versitygw alone
# in a temp directory (so the file lands on local disk, not in a shared stack), runs the
# benchmark and stops the server. AWS CLI: $STRATA_AWS_CLI, else /usr/bin/aws, else aws.
set -euo pipefail
export AWS_EC2_METADATA_DISABLED=true

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size=1024
part=8
parallel=4
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size=$2; shift 2 ;;
    --part-mib) part=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --keep-stack) keep=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
aws=${STRATA_AWS_CLI:-}
if [ -z "$aws" ]; then
  if [ -x /usr/bin/aws ]; then aws=/usr/bin/aws; else aws=aws; fi
fi

cd "$repo_dir"
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATA_BUILD_BENCH=ON \
  -DSTRATA_BUILD_TESTS=OFF >/dev/null
ninja -C build-bench s3_transfer_bench >/dev/null

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_start_stack versitygw
bench_scratch+=("$work/data")
mkdir -p "$work/data"

echo "AWS CLI: $("$aws" --version 2>&1)"
build-bench/bench/s3_transfer_bench --endpoint "$S3_ENDPOINT" --bucket "$S3_BUCKET" \
  --access-key "$S3_ACCESS_KEY" --secret-key "$S3_SECRET_KEY" --region "$S3_REGION" \
  --size-mib "$size" --part-mib "$part" --parallel "$parallel" --aws "$aws" --work "$work/data"
