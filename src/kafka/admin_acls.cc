// Admin's ACL methods. Our strings carry Kafka's names (acl.h); acl_codes.h turns them
// into wire codes, which librdkafka's enums share for the values librdkafka knows.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <tuple>

#include "kafka/acl_codes.h"
#include "kafka/admin.h"
#include "kafka/admin_impl.h"

namespace strata::kafka {

using internal::AclCode;
using internal::AclField;
using internal::AclFieldName;
using internal::AclName;

namespace {

constexpr int kAny = 1;    // ANY in every field
constexpr int kMatch = 2;  // MATCH (pattern type)

// The largest code librdkafka 2.0.2 can send or read, per field; larger codes are Kafka
// values it predates (TRANSACTIONAL_ID, CREATE_TOKENS, ...).
int LibrdkafkaMax(AclField field) {
  switch (field) {
    case AclField::kResourceType: return RD_KAFKA_RESOURCE__CNT - 1;
    case AclField::kPatternType: return RD_KAFKA_RESOURCE_PATTERN_TYPE__CNT - 1;
    case AclField::kOperation: return RD_KAFKA_ACL_OPERATION__CNT - 1;
    case AclField::kPermissionType: return RD_KAFKA_ACL_PERMISSION_TYPE__CNT - 1;
  }
  return 0;
}

// The code of `name` for `field`: InvalidArgument if Kafka has no such name or it is a
// filter-only value and `filter` is false; Unimplemented if librdkafka cannot send it.
Result<int> Code(AclField field, const std::string& name, bool filter, std::string_view what) {
  std::optional<int> code = AclCode(field, name);
  if (!code || *code == 0) {
    return InvalidArgumentError(fmt::format("{}: \"{}\" is not a Kafka ACL {}", what, name, AclFieldName(field)));
  }
  bool filter_only = *code == kAny || (field == AclField::kPatternType && *code == kMatch);
  if (filter_only && !filter) {
    return InvalidArgumentError(
        fmt::format("{}: ACL {} \"{}\" only makes sense in a filter", what, AclFieldName(field), name));
  }
  if (*code > LibrdkafkaMax(field)) {
    return UnimplementedError(fmt::format("{}: librdkafka {} cannot handle ACL {} \"{}\"", what,
                                          rd_kafka_version_str(), AclFieldName(field), name));
  }
  return *code;
}

std::string Describe(const AclBinding& b) {
  return fmt::format("{} {} {} on {} {} \"{}\" from host {}", b.permission_type, b.principal, b.operation,
                     b.resource_type, b.pattern_type, b.resource_name, b.host);
}

const char* OrNull(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

struct BindingDeleter {
  void operator()(rd_kafka_AclBinding_t* b) const { rd_kafka_AclBinding_destroy(b); }
};
using BindingPtr = std::unique_ptr<rd_kafka_AclBinding_t, BindingDeleter>;

Result<BindingPtr> NewFilter(const AclFilter& f, std::string_view what) {
  STRATA_ASSIGN_OR_RETURN(int resource, Code(AclField::kResourceType, f.resource_type, true, what));
  STRATA_ASSIGN_OR_RETURN(int pattern, Code(AclField::kPatternType, f.pattern_type, true, what));
  STRATA_ASSIGN_OR_RETURN(int operation, Code(AclField::kOperation, f.operation, true, what));
  STRATA_ASSIGN_OR_RETURN(int permission, Code(AclField::kPermissionType, f.permission_type, true, what));
  std::array<char, 512> err{};
  BindingPtr filter(rd_kafka_AclBindingFilter_new(
      static_cast<rd_kafka_ResourceType_t>(resource), OrNull(f.resource_name),
      static_cast<rd_kafka_ResourcePatternType_t>(pattern), OrNull(f.principal), OrNull(f.host),
      static_cast<rd_kafka_AclOperation_t>(operation), static_cast<rd_kafka_AclPermissionType_t>(permission),
      err.data(), err.size()));
  if (!filter) return InvalidArgumentError(fmt::format("{}: {}", what, err.data()));
  return filter;
}

Result<BindingPtr> NewBinding(const AclBinding& b, std::string_view context) {
  std::string what = fmt::format("{}: {}", context, Describe(b));
  STRATA_ASSIGN_OR_RETURN(int resource, Code(AclField::kResourceType, b.resource_type, false, what));
  STRATA_ASSIGN_OR_RETURN(int pattern, Code(AclField::kPatternType, b.pattern_type, false, what));
  STRATA_ASSIGN_OR_RETURN(int operation, Code(AclField::kOperation, b.operation, false, what));
  STRATA_ASSIGN_OR_RETURN(int permission, Code(AclField::kPermissionType, b.permission_type, false, what));
  std::array<char, 512> err{};
  BindingPtr binding(rd_kafka_AclBinding_new(
      static_cast<rd_kafka_ResourceType_t>(resource), b.resource_name.c_str(),
      static_cast<rd_kafka_ResourcePatternType_t>(pattern), b.principal.c_str(), b.host.c_str(),
      static_cast<rd_kafka_AclOperation_t>(operation), static_cast<rd_kafka_AclPermissionType_t>(permission),
      err.data(), err.size()));
  if (!binding) return InvalidArgumentError(fmt::format("{}: {}", what, err.data()));
  return binding;
}

// Kafka's names for a binding librdkafka parsed; nullopt if any field is a value it did
// not know (it reads those as UNKNOWN).
std::optional<AclBinding> ToBinding(const rd_kafka_AclBinding_t* acl) {
  int resource = rd_kafka_AclBinding_restype(acl);
  int pattern = rd_kafka_AclBinding_resource_pattern_type(acl);
  int operation = rd_kafka_AclBinding_operation(acl);
  int permission = rd_kafka_AclBinding_permission_type(acl);
  if (resource == 0 || pattern == 0 || operation == 0 || permission == 0) return std::nullopt;
  const char* name = rd_kafka_AclBinding_name(acl);
  const char* principal = rd_kafka_AclBinding_principal(acl);
  const char* host = rd_kafka_AclBinding_host(acl);
  return AclBinding{std::string(AclName(AclField::kResourceType, resource)),
                    name ? name : "",
                    std::string(AclName(AclField::kPatternType, pattern)),
                    principal ? principal : "",
                    host ? host : "",
                    std::string(AclName(AclField::kOperation, operation)),
                    std::string(AclName(AclField::kPermissionType, permission))};
}

constexpr const char* kNoAuthorizerNote =
    "ACLs not captured: the cluster has no authorizer (authorizer.class.name is empty), so it has no ACLs";
constexpr const char* kDescribeClusterHint =
    "the principal needs the DESCRIBE operation on the CLUSTER resource to read ACLs";

enum class Authorizer { kNone, kPresent };

// librdkafka (2.0.2, and later versions too) reads the error code of a DescribeAcls answer
// and drops it: a cluster without an authorizer (SECURITY_DISABLED) and a principal that
// may not describe ACLs (CLUSTER_AUTHORIZATION_FAILED) both arrive as "no ACLs". A backup
// must not record either as an empty ACL set, so we ask a broker for its
// authorizer.class.name first. Being refused that answer also proves an authorizer.
Result<Authorizer> FindAuthorizer(const internal::Handle& handle, Deadline deadline) {
  constexpr const char* kAuthorizerConfig = "authorizer.class.name";
  std::string what = fmt::format("ask a broker for its {}", kAuthorizerConfig);
  int32_t broker = rd_kafka_controllerid(handle.rk.get(), deadline.RemainingMillis());
  if (broker < 0) {
    return internal::Explain(DeadlineExceededError(fmt::format("{}: no broker answered in time", what)),
                             *handle.errors);
  }
  auto entries = internal::DescribeConfigs(handle, internal::ConfigResource::kBroker, std::to_string(broker),
                                           {kAuthorizerConfig}, deadline, what);
  if (!entries.ok()) {
    if (entries.status().code() == StatusCode::kPermissionDenied) return Authorizer::kPresent;
    return entries.status();
  }
  for (const auto& e : *entries) {
    if (e.name == kAuthorizerConfig) return e.value && !e.value->empty() ? Authorizer::kPresent : Authorizer::kNone;
  }
  // A broker that hides the setting: assume the cluster has ACLs and ask for them.
  return Authorizer::kPresent;
}

auto Key(const AclBinding& b) {
  return std::tie(b.resource_type, b.resource_name, b.pattern_type, b.principal, b.host, b.operation,
                  b.permission_type);
}

}  // namespace

Result<AclListing> Admin::DescribeAcls(const AclFilter& filter, Deadline deadline) {
  std::string what = "describe ACLs";
  STRATA_ASSIGN_OR_RETURN(BindingPtr f, NewFilter(filter, what));
  STRATA_ASSIGN_OR_RETURN(Authorizer authorizer, FindAuthorizer(impl_->handle, deadline));
  AclListing listing;
  if (authorizer == Authorizer::kNone) {
    listing.authorizer_enabled = false;
    listing.note = kNoAuthorizerNote;
    return listing;
  }
  STRATA_ASSIGN_OR_RETURN(
      internal::EventPtr ev,
      internal::RunAdmin(impl_->handle, RD_KAFKA_ADMIN_OP_DESCRIBEACLS, deadline, what,
                         [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                           rd_kafka_DescribeAcls(rk, f.get(), o, q);
                         }));
  // For a librdkafka that passes the answer's error code on.
  switch (rd_kafka_event_error(ev.get())) {
    case RD_KAFKA_RESP_ERR_SECURITY_DISABLED:
      listing.authorizer_enabled = false;
      listing.note = kNoAuthorizerNote;
      return listing;
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return PermissionDeniedError(fmt::format("{}: {}; {}", what, rd_kafka_event_error_string(ev.get()),
                                               kDescribeClusterHint));
    default:
      STRATA_RETURN_IF_ERROR(internal::EventStatus(ev.get(), what, *impl_->handle.errors));
  }
  size_t n = 0;
  const rd_kafka_AclBinding_t** acls =
      rd_kafka_DescribeAcls_result_acls(rd_kafka_event_DescribeAcls_result(ev.get()), &n);
  for (size_t i = 0; i < n; ++i) {
    std::optional<AclBinding> b = ToBinding(acls[i]);
    if (b) {
      listing.bindings.push_back(std::move(*b));
    } else {
      ++listing.unreadable;
    }
  }
  std::sort(listing.bindings.begin(), listing.bindings.end(),
            [](const AclBinding& a, const AclBinding& b) { return Key(a) < Key(b); });
  if (listing.unreadable > 0) {
    listing.note = fmt::format(
        "{} ACL binding(s) not captured: they use a resource type or operation that librdkafka {} "
        "cannot read (e.g. TRANSACTIONAL_ID, DELEGATION_TOKEN, USER, CREATE_TOKENS)",
        listing.unreadable, rd_kafka_version_str());
  } else if (listing.bindings.empty()) {
    listing.note = fmt::format("no ACL bindings matched; librdkafka {} cannot tell this from a refused request, so "
                               "if ACLs were expected: {}",
                               rd_kafka_version_str(), kDescribeClusterHint);
  }
  return listing;
}

Status Admin::CreateAcls(const std::vector<AclBinding>& bindings, Deadline deadline) {
  std::string what = fmt::format("create {} ACL binding(s)", bindings.size());
  if (bindings.empty()) return OkStatus();
  std::vector<BindingPtr> owned;
  std::vector<rd_kafka_AclBinding_t*> raw;
  for (const auto& b : bindings) {
    STRATA_ASSIGN_OR_RETURN(BindingPtr p, NewBinding(b, "create ACL"));
    raw.push_back(p.get());
    owned.push_back(std::move(p));
  }
  STRATA_ASSIGN_OR_RETURN(
      internal::EventPtr ev,
      internal::RunAdmin(impl_->handle, RD_KAFKA_ADMIN_OP_CREATEACLS, deadline, what,
                         [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                           rd_kafka_CreateAcls(rk, raw.data(), raw.size(), o, q);
                         }));
  STRATA_RETURN_IF_ERROR(internal::EventStatus(ev.get(), what, *impl_->handle.errors));
  size_t n = 0;
  const rd_kafka_acl_result_t** results =
      rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(ev.get()), &n);
  // Results come in the order of the request.
  for (size_t i = 0; i < n && i < bindings.size(); ++i) {
    const rd_kafka_error_t* error = rd_kafka_acl_result_error(results[i]);
    if (error == nullptr) continue;
    Status s = internal::DescribeKafkaError(error, fmt::format("create ACL {}", Describe(bindings[i])));
    if (rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_SECURITY_DISABLED) {
      return Status(s.code(), s.message() + "; the cluster has no authorizer: set authorizer.class.name on "
                                            "its brokers to restore ACLs");
    }
    return s;
  }
  return OkStatus();
}

}  // namespace strata::kafka
