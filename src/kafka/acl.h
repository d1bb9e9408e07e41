// ACL bindings as Kafka names them. A binding allows or denies one principal, connecting
// from one host, one operation on the resources matched by a resource pattern. Every
// field is a string holding Kafka's own name (the one kafka-acls.sh and the Java admin
// client use), so a binding read from one cluster can be written to another unchanged:
//   resource type    TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN, USER
//   pattern type     LITERAL, PREFIXED              (filters also: ANY, MATCH)
//   operation        ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION,
//                    DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, CREATE_TOKENS,
//                    DESCRIBE_TOKENS                (filters also: ANY)
//   permission type  ALLOW, DENY                    (filters also: ANY)
// Value types; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace strata::kafka {

struct AclBinding {
  std::string resource_type;    // "TOPIC", "GROUP", "CLUSTER", ...
  std::string resource_name;    // with LITERAL, "*" means every resource of the type
  std::string pattern_type;     // "LITERAL" or "PREFIXED"
  std::string principal;        // e.g. "User:alice"
  std::string host;             // "*" = from any host
  std::string operation;        // "READ", "WRITE", ...
  std::string permission_type;  // "ALLOW" or "DENY"
  friend bool operator==(const AclBinding&, const AclBinding&) = default;
};

// Which bindings Admin::DescribeAcls returns. "ANY" and nullopt match everything.
struct AclFilter {
  std::string resource_type = "ANY";
  std::optional<std::string> resource_name;
  // ANY; LITERAL or PREFIXED (bindings of exactly that pattern type); MATCH (with a
  // resource_name: every binding that applies to that resource, i.e. its literal
  // bindings, the "*" wildcard bindings and the prefixed bindings whose prefix it has).
  std::string pattern_type = "ANY";
  std::optional<std::string> principal;
  std::optional<std::string> host;
  std::string operation = "ANY";
  std::string permission_type = "ANY";

  // Every binding in the cluster.
  static AclFilter All() { return AclFilter{}; }
  // Every binding that applies to topic `name` (pattern type MATCH).
  static AclFilter ForTopic(std::string name) {
    AclFilter f;
    f.resource_type = "TOPIC";
    f.resource_name = std::move(name);
    f.pattern_type = "MATCH";
    return f;
  }
};

// The answer of Admin::DescribeAcls.
struct AclListing {
  std::vector<AclBinding> bindings;
  // False when the cluster has no authorizer configured (Kafka answers
  // SECURITY_DISABLED): there are no ACLs, `bindings` is empty and `note` says so.
  bool authorizer_enabled = true;
  // Bindings the broker returned that this client cannot represent: librdkafka 2.0.2
  // knows only the TOPIC, GROUP and CLUSTER resource types and the operations up to
  // IDEMPOTENT_WRITE. They are not in `bindings`; `note` says how many were left out.
  int unreadable = 0;
  // For the user when the listing is not the whole truth ("ACLs not captured: ..."),
  // else empty.
  std::string note;
};

}  // namespace strata::kafka
