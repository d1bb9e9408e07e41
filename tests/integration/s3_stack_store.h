// Helpers for the S3 integration tests: an S3Config for one server of the local stack
// (versitygw or s3proxy, by the env-file variable that holds its endpoint), isolated from
// the host's AWS settings, and fresh stores under unique prefixes of the test bucket.
#pragma once

#include <memory>
#include <string>

#include "storage/s3/s3_opener.h"
#include "storage/s3/s3_store.h"

namespace strata::testing {

// The stack's endpoint variables.
inline constexpr char kVersitygw[] = "S3_ENDPOINT";
inline constexpr char kS3proxy[] = "S3PROXY_ENDPOINT";

// Explicit keys, region and endpoint of the server named by `endpoint_var`; an empty
// process environment (no profile, no AWS_* variables); 5 MiB parts so that the 20 MiB
// conformance case runs as a multipart upload.
s3::S3Config StackS3Config(const std::string& endpoint_var);

// "s3://<S3_BUCKET>/<unique prefix>".
std::string FreshUrl(const std::string& name);

// Opens `url` with `config`; fails the test (and returns null) on error.
std::unique_ptr<s3::S3Store> OpenOrFail(const std::string& url, const s3::S3Config& config);

// Deletes every object of `store` (tests call it when done: s3proxy keeps objects in a
// bounded Java heap, and the stack is shared by all integration tests).
void DeleteAll(storage::ObjectStore& store);

}  // namespace strata::testing
