#include "cli/repo_flags.h"

#include <fmt/format.h>

#include "storage/open_store.h"
#include "storage/s3/s3_opener.h"

namespace strata::cli {

void RepoFlags::Register(CLI::App* cmd, const std::string& name) {
  cmd->add_option(name + ",-r,--repo", url, "repository URL: file:///path, a path, or s3://bucket/prefix")
      ->envname("STRATA_REPOSITORY")
      ->required();
  const char* group = "S3 repository (default: AWS environment and config files)";
  cmd->add_option("--s3-endpoint", s3_endpoint, "endpoint of an S3-compatible server, http(s)://host[:port]")
      ->group(group);
  cmd->add_option("--s3-region", s3_region, "region (default: AWS_REGION, the profile, us-east-1)")->group(group);
  cmd->add_option("--s3-addressing", s3_addressing, "auto, path or virtual (bucket in the host name)")
      ->check(CLI::IsMember({"auto", "path", "virtual"}))
      ->capture_default_str()
      ->group(group);
  cmd->add_flag("--s3-no-verify-tls", s3_no_verify_tls,
                "do not verify the endpoint's TLS certificate (test endpoints only)")
      ->group(group);
  cmd->add_option("--s3-ca-bundle", s3_ca_bundle, "PEM file of CA certificates to trust")->group(group);
  cmd->add_option("--s3-profile", s3_profile, "AWS profile for credentials and settings (default: AWS_PROFILE)")
      ->group(group);
  cmd->add_option("--s3-sse", s3_sse, "server-side encryption of new objects: none, aes256 or kms")
      ->check(CLI::IsMember({"none", "aes256", "kms"}))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--s3-sse-kms-key-id", s3_sse_kms_key_id, "KMS key id for --s3-sse kms")->group(group);
  cmd->add_option("--s3-part-size", s3_part_mib, "multipart part size in MiB (5 and up)")
      ->check(CLI::Range(5.0, 5120.0))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--s3-parallel-parts", s3_parallel_parts, "parts uploaded at once per object")
      ->check(CLI::Range(1, 64))
      ->capture_default_str()
      ->group(group);
}

Result<std::unique_ptr<storage::ObjectStore>> RepoFlags::OpenStore(const std::string& location,
                                                                  bool create_if_missing) const {
  storage::StoreOptions options;
  options.create_if_missing = create_if_missing;
  s3::S3Config s3;
  if (!s3_endpoint.empty()) s3.endpoint = s3_endpoint;
  if (!s3_region.empty()) s3.region = s3_region;
  if (s3_addressing == "path") s3.addressing = s3::AddressingStyle::kPath;
  if (s3_addressing == "virtual") s3.addressing = s3::AddressingStyle::kVirtualHosted;
  s3.verify_tls = !s3_no_verify_tls;
  if (!s3_ca_bundle.empty()) s3.ca_bundle = s3_ca_bundle;
  if (!s3_profile.empty()) s3.profile = s3_profile;
  if (s3_sse == "aes256") s3.sse.mode = s3::SseMode::kS3;
  if (s3_sse == "kms") {
    s3.sse.mode = s3::SseMode::kKms;
    if (!s3_sse_kms_key_id.empty()) s3.sse.kms_key_id = s3_sse_kms_key_id;
  }
  s3.part_size = static_cast<size_t>(s3_part_mib * (1 << 20));
  s3.parallel_parts = s3_parallel_parts;
  options.open_s3 = s3::MakeS3Opener(std::move(s3));
  return storage::OpenStore(location, options);
}

Result<RepoFlags::Opened> RepoFlags::Open(backup::OpenMode mode) const {
  STRATA_ASSIGN_OR_RETURN(auto store, OpenStore(url, mode == backup::OpenMode::kCreateIfMissing));
  Opened opened;
  opened.store = std::move(store);
  STRATA_ASSIGN_OR_RETURN(backup::Repository repo, backup::Repository::Open(*opened.store, url, mode));
  opened.repo = std::make_unique<backup::Repository>(std::move(repo));
  return opened;
}

}  // namespace strata::cli
