// Admin's consumer group methods: list, describe, read and commit offsets.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "kafka/admin.h"
#include "kafka/admin_impl.h"

namespace strata::kafka {

using internal::DescribeKafkaError;
using internal::EventPtr;
using internal::EventStatus;
using internal::FromKafka;
using internal::PartitionListPtr;
using internal::RunAdmin;

namespace {

GroupInfo ToGroupInfo(const rd_kafka_ConsumerGroupDescription_t* d) {
  GroupInfo g;
  g.name = rd_kafka_ConsumerGroupDescription_group_id(d);
  g.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d));
  g.member_count = static_cast<int>(rd_kafka_ConsumerGroupDescription_member_count(d));
  // librdkafka describes only groups of protocol type "consumer" or "" (it fails the
  // others with "not a consumer group"), so the flag tells the type exactly.
  g.protocol_type = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(d) ? "" : "consumer";
  return g;
}

// A group Kafka does not know is described without error, as "Dead" with no members.
bool Missing(const rd_kafka_ConsumerGroupDescription_t* d) {
  const rd_kafka_error_t* error = rd_kafka_ConsumerGroupDescription_error(d);
  if (error != nullptr) return rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND;
  return rd_kafka_ConsumerGroupDescription_state(d) == RD_KAFKA_CONSUMER_GROUP_STATE_DEAD;
}

Result<std::vector<GroupInfo>> Describe(const internal::Handle& handle, const std::vector<std::string>& names,
                                        Deadline deadline, std::string_view what) {
  std::vector<const char*> raw;
  for (const auto& n : names) raw.push_back(n.c_str());
  STRATA_ASSIGN_OR_RETURN(EventPtr ev,
                          RunAdmin(handle, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, deadline, what,
                                   [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                                     rd_kafka_DescribeConsumerGroups(rk, raw.data(), raw.size(), o, q);
                                   }));
  STRATA_RETURN_IF_ERROR(EventStatus(ev.get(), what, *handle.errors));
  size_t n = 0;
  const rd_kafka_ConsumerGroupDescription_t** groups =
      rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(ev.get()), &n);
  std::vector<GroupInfo> result;
  for (size_t i = 0; i < n; ++i) {
    const auto* d = groups[i];
    // Gone since it was listed, or never there: the caller decides what that means.
    if (Missing(d)) continue;
    STRATA_RETURN_IF_ERROR(DescribeKafkaError(rd_kafka_ConsumerGroupDescription_error(d),
                                              fmt::format("describe group \"{}\"",
                                                          rd_kafka_ConsumerGroupDescription_group_id(d))));
    result.push_back(ToGroupInfo(d));
  }
  return result;
}

}  // namespace

Result<std::vector<GroupInfo>> Admin::ListGroups(Deadline deadline) {
  std::string what = "list consumer groups";
  STRATA_ASSIGN_OR_RETURN(EventPtr ev,
                          RunAdmin(impl_->handle, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, deadline, what,
                                   [](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                                     rd_kafka_ListConsumerGroups(rk, o, q);
                                   }));
  STRATA_RETURN_IF_ERROR(EventStatus(ev.get(), what, *impl_->handle.errors));
  const auto* result = rd_kafka_event_ListConsumerGroups_result(ev.get());
  size_t n_errors = 0;
  const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(result, &n_errors);
  // Each broker lists the groups it coordinates: one broker's error means a partial list,
  // and a backup must not mistake that for the whole.
  if (n_errors > 0) return DescribeKafkaError(errors[0], what);
  size_t n = 0;
  const rd_kafka_ConsumerGroupListing_t** listings = rd_kafka_ListConsumerGroups_result_valid(result, &n);
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.emplace_back(rd_kafka_ConsumerGroupListing_group_id(listings[i]));
  if (names.empty()) return std::vector<GroupInfo>();
  // The listing has no member counts: describe them all in one request.
  STRATA_ASSIGN_OR_RETURN(std::vector<GroupInfo> groups, Describe(impl_->handle, names, deadline, what));
  std::sort(groups.begin(), groups.end(), [](const GroupInfo& a, const GroupInfo& b) { return a.name < b.name; });
  return groups;
}

Result<GroupInfo> Admin::DescribeGroup(const std::string& group, Deadline deadline) {
  std::string what = fmt::format("describe group \"{}\"", group);
  STRATA_ASSIGN_OR_RETURN(std::vector<GroupInfo> groups, Describe(impl_->handle, {group}, deadline, what));
  if (groups.empty()) return NotFoundError(fmt::format("{}: no such group", what));
  return groups[0];
}

Result<std::vector<GroupOffset>> Admin::ListGroupOffsets(const std::string& group, const std::set<std::string>& topics,
                                                         Deadline deadline) {
  std::string what = fmt::format("committed offsets of group \"{}\"", group);
  // No partition list: the broker answers with every partition the group has an offset for.
  rd_kafka_ListConsumerGroupOffsets_t* request = rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
  auto ev = RunAdmin(impl_->handle, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, deadline, what,
                     [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                       // An offset committed by a transaction that is still open may yet
                       // be aborted; the broker then answers UNSTABLE_OFFSET_COMMIT
                       // (transient) instead of an offset that may never hold.
                       rd_kafka_error_t* error = rd_kafka_AdminOptions_set_require_stable_offsets(o, 1);
                       if (error != nullptr) rd_kafka_error_destroy(error);
                       rd_kafka_ListConsumerGroupOffsets(rk, &request, 1, o, q);
                     });
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  if (!ev.ok()) return ev.status();
  STRATA_RETURN_IF_ERROR(EventStatus(ev->get(), what, *impl_->handle.errors));
  size_t n = 0;
  const rd_kafka_group_result_t** results =
      rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(ev->get()), &n);
  if (n != 1) return InternalError(fmt::format("{}: expected 1 group in the answer, got {}", what, n));
  STRATA_RETURN_IF_ERROR(DescribeKafkaError(rd_kafka_group_result_error(results[0]), what));
  std::vector<GroupOffset> offsets;
  const rd_kafka_topic_partition_list_t* list = rd_kafka_group_result_partitions(results[0]);
  for (int i = 0; list != nullptr && i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    if (!topics.empty() && !topics.contains(p.topic)) continue;
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return FromKafka(p.err, fmt::format("{}: {} partition {}", what, p.topic, p.partition));
    }
    if (p.offset < 0) continue;  // no offset committed
    GroupOffset o{p.topic, p.partition, p.offset, {}};
    if (p.metadata != nullptr) o.metadata.assign(static_cast<const char*>(p.metadata), p.metadata_size);
    offsets.push_back(std::move(o));
  }
  std::sort(offsets.begin(), offsets.end(), [](const GroupOffset& a, const GroupOffset& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return offsets;
}

namespace {

Status CheckOffsets(const std::vector<GroupOffset>& offsets, std::string_view what) {
  if (offsets.empty()) return InvalidArgumentError(fmt::format("{}: no offsets given", what));
  std::set<std::pair<std::string, int32_t>> seen;
  for (const auto& o : offsets) {
    if (o.offset < 0 || o.partition < 0) {
      return InvalidArgumentError(
          fmt::format("{}: {} partition {} offset {} is negative", what, o.topic, o.partition, o.offset));
    }
    if (!seen.emplace(o.topic, o.partition).second) {
      return InvalidArgumentError(fmt::format("{}: {} partition {} is listed twice", what, o.topic, o.partition));
    }
  }
  return OkStatus();
}

// True for the answers Kafka gives a commit without a member id while the group has
// members.
bool MembersJoined(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID || err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
         err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || err == RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID;
}

Status HasMembers(std::string_view what, const GroupInfo& g) {
  return FailedPreconditionError(
      fmt::format("{}: the group has {} active member(s) (state {}); Kafka takes offsets for a group "
                  "only from its members while it has any: stop the group's consumers and retry",
                  what, g.member_count, g.state));
}

}  // namespace

Status Admin::CommitGroupOffsets(const std::string& group, const std::vector<GroupOffset>& offsets,
                                 Deadline deadline) {
  std::string what = fmt::format("commit offsets for group \"{}\"", group);
  STRATA_RETURN_IF_ERROR(CheckOffsets(offsets, what));
  auto described = DescribeGroup(group, deadline);
  if (described.ok() && described->member_count > 0) return HasMembers(what, *described);
  if (!described.ok() && described.status().code() != StatusCode::kNotFound) return described.status();

  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& o : offsets) {
    rd_kafka_topic_partition_t* p = rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition);
    p->offset = o.offset;
    if (!o.metadata.empty()) {
      // rd_kafka_AlterConsumerGroupOffsets_new copies the list; ours only lends the bytes.
      p->metadata = const_cast<char*>(o.metadata.data());
      p->metadata_size = o.metadata.size();
    }
  }
  rd_kafka_AlterConsumerGroupOffsets_t* request = rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get());
  for (int i = 0; i < list->cnt; ++i) {
    list->elems[i].metadata = nullptr;
    list->elems[i].metadata_size = 0;
  }
  auto ev = RunAdmin(impl_->handle, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, deadline, what,
                     [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                       rd_kafka_AlterConsumerGroupOffsets(rk, &request, 1, o, q);
                     });
  rd_kafka_AlterConsumerGroupOffsets_destroy(request);
  if (!ev.ok()) return ev.status();
  STRATA_RETURN_IF_ERROR(EventStatus(ev->get(), what, *impl_->handle.errors));
  size_t n = 0;
  const rd_kafka_group_result_t** results =
      rd_kafka_AlterConsumerGroupOffsets_result_groups(rd_kafka_event_AlterConsumerGroupOffsets_result(ev->get()), &n);
  if (n != 1) return InternalError(fmt::format("{}: expected 1 group in the answer, got {}", what, n));
  STRATA_RETURN_IF_ERROR(DescribeKafkaError(rd_kafka_group_result_error(results[0]), what));
  const rd_kafka_topic_partition_list_t* answered = rd_kafka_group_result_partitions(results[0]);
  for (int i = 0; answered != nullptr && i < answered->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = answered->elems[i];
    if (p.err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (MembersJoined(p.err)) {
      // A consumer joined between our check and the commit.
      auto now = DescribeGroup(group, deadline);
      if (now.ok()) return HasMembers(what, *now);
      return FailedPreconditionError(fmt::format("{}: the group has active members ({}); stop the group's "
                                                 "consumers and retry",
                                                 what, rd_kafka_err2name(p.err)));
    }
    Status s = FromKafka(p.err, fmt::format("{}: {} partition {}", what, p.topic, p.partition));
    // Brokers learn of a new topic a moment after CreateTopics returns: a restore that
    // commits right after creating the topic must retry, not give up.
    if (p.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && DescribeTopic(p.topic, deadline).ok()) {
      return UnavailableError(s.message() + "; the topic exists, the group coordinator does not know it yet: retry");
    }
    return s;
  }
  return OkStatus();
}

}  // namespace strata::kafka
