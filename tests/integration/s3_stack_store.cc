#include "tests/integration/s3_stack_store.h"

#include <gtest/gtest.h>

#include "tests/integration/stack_env.h"

namespace strata::testing {

s3::S3Config StackS3Config(const std::string& endpoint_var) {
  const StackEnv& env = StackEnv::Get();
  s3::S3Config config;
  config.endpoint = env.Require(endpoint_var);
  config.region = env.Require("S3_REGION");
  config.access_key_id = env.Require("S3_ACCESS_KEY");
  config.secret_access_key = env.Require("S3_SECRET_KEY");
  config.environment = s3::AwsEnvironment::Fixed({});
  config.part_size = s3::kMinPartSize;
  return config;
}

std::string FreshUrl(const std::string& name) {
  return "s3://" + StackEnv::Get().Require("S3_BUCKET") + "/" + UniqueName(name);
}

std::unique_ptr<s3::S3Store> OpenOrFail(const std::string& url, const s3::S3Config& config) {
  auto store = s3::OpenS3Store(url, config);
  if (!store.ok()) {
    ADD_FAILURE() << "opening " << url << ": " << store.status().ToString();
    return nullptr;
  }
  return std::move(store).value();
}

void DeleteAll(storage::ObjectStore& store) {
  auto all = storage::ListAll(store, "");
  if (!all.ok()) return;
  for (const storage::ObjectInfo& o : *all) {
    store.Delete(storage::ObjectKey(o.key)).IgnoreError();
  }
}

}  // namespace strata::testing
