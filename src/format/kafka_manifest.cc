#include "format/kafka_manifest.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace strata::format {

using nlohmann::ordered_json;

const TopicState* KafkaManifest::FindTopic(std::string_view name) const {
  for (const auto& t : topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

namespace {

ordered_json SegmentJson(const SegmentRef& s) {
  return ordered_json{{"key", s.key},
                      {"index_key", s.index_key},
                      {"base_offset", s.base_offset},
                      {"last_offset", s.last_offset},
                      {"records", s.records},
                      {"bytes", s.bytes},
                      {"min_timestamp", s.min_timestamp},
                      {"max_timestamp", s.max_timestamp},
                      {"crc32c", fmt::format("{:08x}", s.crc32c)},
                      {"sha256", s.sha256}};
}

ordered_json PartitionJson(const PartitionState& p) {
  ordered_json segments = ordered_json::array();
  for (const auto& s : p.segments) segments.push_back(SegmentJson(s));
  ordered_json gaps = ordered_json::array();
  for (const auto& g : p.gaps) gaps.push_back({{"from", g.from}, {"to", g.to}, {"reason", g.reason}});
  return ordered_json{{"partition", p.partition},
                      {"log_start_offset", p.log_start_offset},
                      {"high_watermark", p.high_watermark},
                      {"next_offset", p.next_offset},
                      {"records", p.records},
                      {"segments", std::move(segments)},
                      {"gaps", std::move(gaps)}};
}

ordered_json SourceJson(const KafkaManifest& m) {
  ordered_json source{{"bootstrap_servers", m.bootstrap_servers}, {"cluster_id", m.cluster_id}};
  if (m.imported) source["imported_from"] = {{"tool", m.imported->tool}, {"url", m.imported->url}};
  return source;
}

}  // namespace

std::string KafkaManifestToJson(const KafkaManifest& m) {
  ordered_json topics = ordered_json::array();
  for (const auto& t : m.topics) {
    ordered_json parts = ordered_json::array();
    for (const auto& p : t.partitions) parts.push_back(PartitionJson(p));
    ordered_json configs = ordered_json::object();
    for (const auto& [k, v] : t.configs) configs[k] = v;
    topics.push_back({{"name", t.name},
                      {"partition_count", t.partition_count},
                      {"replication_factor", t.replication_factor},
                      {"configs", std::move(configs)},
                      {"partitions", std::move(parts)}});
  }
  ordered_json groups = ordered_json::array();
  for (const auto& g : m.consumer_groups) {
    ordered_json offsets = ordered_json::array();
    for (const auto& o : g.offsets) {
      offsets.push_back({{"topic", o.topic}, {"partition", o.partition}, {"offset", o.offset}, {"metadata", o.metadata}});
    }
    groups.push_back({{"group", g.group}, {"offsets", std::move(offsets)}});
  }
  ordered_json bindings = ordered_json::array();
  for (const auto& a : m.acls.bindings) {
    bindings.push_back({{"resource_type", a.resource_type},
                        {"resource_name", a.resource_name},
                        {"pattern_type", a.pattern_type},
                        {"principal", a.principal},
                        {"host", a.host},
                        {"operation", a.operation},
                        {"permission_type", a.permission_type}});
  }
  ordered_json doc{{"format", kKafkaManifestFormat},
                   {"version", kKafkaManifestVersion},
                   {"id", m.id},
                   {"cluster", m.cluster},
                   {"created", m.created},
                   {"strata_version", m.strata_version},
                   {"source", SourceJson(m)},
                   {"isolation", m.isolation},
                   {"complete", m.complete},
                   {"topics", std::move(topics)},
                   {"consumer_groups", std::move(groups)},
                   {"acls", {{"captured", m.acls.captured}, {"reason", m.acls.reason}, {"bindings", std::move(bindings)}}},
                   {"warnings", m.warnings}};
  return doc.dump(1) + "\n";
}

namespace {

// Field access that turns a missing or mistyped field into a precise message. The json
// library throws type errors on get<>(); ParseKafkaManifest catches them at its edge.
const ordered_json& Field(const ordered_json& obj, const char* name) { return obj.at(name); }

Status Check(bool ok, std::string_view where, const std::string& what) {
  return ok ? OkStatus() : DataLossError(fmt::format("manifest {}: {}", where, what));
}

Status ValidatePartition(const TopicState& t, const PartitionState& p, std::string_view where) {
  std::string at = fmt::format("topic {} partition {}", t.name, p.partition);
  STRATA_RETURN_IF_ERROR(Check(p.partition >= 0 && p.partition < t.partition_count, where,
                               at + ": partition number outside the topic's partition count"));
  STRATA_RETURN_IF_ERROR(Check(p.next_offset >= 0, where, at + ": negative next_offset"));
  int64_t prev_last = -1;
  int64_t records = 0;
  for (const auto& s : p.segments) {
    STRATA_RETURN_IF_ERROR(Check(s.base_offset >= 0 && s.base_offset <= s.last_offset, where,
                                 fmt::format("{}: segment {} has offsets {}..{}", at, s.key, s.base_offset, s.last_offset)));
    STRATA_RETURN_IF_ERROR(Check(s.base_offset > prev_last, where,
                                 fmt::format("{}: segment {} overlaps the one before it", at, s.key)));
    STRATA_RETURN_IF_ERROR(Check(s.last_offset < p.next_offset, where,
                                 fmt::format("{}: segment {} ends at or past next_offset {}", at, s.key, p.next_offset)));
    STRATA_RETURN_IF_ERROR(Check(!s.key.empty() && s.records > 0 && s.bytes > 0, where,
                                 fmt::format("{}: segment entry without key, records or bytes", at)));
    prev_last = s.last_offset;
    records += s.records;
  }
  STRATA_RETURN_IF_ERROR(Check(records == p.records, where,
                               fmt::format("{}: records {} but segments hold {}", at, p.records, records)));
  for (const auto& g : p.gaps) {
    STRATA_RETURN_IF_ERROR(Check(g.from <= g.to && g.to < p.next_offset, where, at + ": gap outside 0..next_offset"));
  }
  return OkStatus();
}

Result<KafkaManifest> Decode(const ordered_json& doc, std::string_view where) {
  KafkaManifest m;
  m.id = Field(doc, "id").get<std::string>();
  m.cluster = Field(doc, "cluster").get<std::string>();
  m.created = Field(doc, "created").get<std::string>();
  m.strata_version = doc.value("strata_version", "");
  const auto& source = Field(doc, "source");
  m.bootstrap_servers = source.value("bootstrap_servers", "");
  m.cluster_id = source.value("cluster_id", "");
  if (source.contains("imported_from")) {
    const auto& from = source.at("imported_from");
    m.imported = ImportSource{from.value("tool", ""), from.value("url", "")};
  }
  m.isolation = Field(doc, "isolation").get<std::string>();
  m.complete = Field(doc, "complete").get<bool>();
  for (const auto& tj : Field(doc, "topics")) {
    TopicState t;
    t.name = Field(tj, "name").get<std::string>();
    t.partition_count = Field(tj, "partition_count").get<int32_t>();
    t.replication_factor = Field(tj, "replication_factor").get<int32_t>();
    for (const auto& [k, v] : Field(tj, "configs").items()) t.configs[k] = v.get<std::string>();
    for (const auto& pj : Field(tj, "partitions")) {
      PartitionState p;
      p.partition = Field(pj, "partition").get<int32_t>();
      p.log_start_offset = Field(pj, "log_start_offset").get<int64_t>();
      p.high_watermark = Field(pj, "high_watermark").get<int64_t>();
      p.next_offset = Field(pj, "next_offset").get<int64_t>();
      p.records = Field(pj, "records").get<int64_t>();
      for (const auto& sj : Field(pj, "segments")) {
        SegmentRef s;
        s.key = Field(sj, "key").get<std::string>();
        s.index_key = sj.value("index_key", "");
        s.base_offset = Field(sj, "base_offset").get<int64_t>();
        s.last_offset = Field(sj, "last_offset").get<int64_t>();
        s.records = Field(sj, "records").get<int64_t>();
        s.bytes = Field(sj, "bytes").get<int64_t>();
        s.min_timestamp = Field(sj, "min_timestamp").get<int64_t>();
        s.max_timestamp = Field(sj, "max_timestamp").get<int64_t>();
        std::string crc = Field(sj, "crc32c").get<std::string>();
        STRATA_RETURN_IF_ERROR(Check(crc.size() == 8 && crc.find_first_not_of("0123456789abcdef") == std::string::npos,
                                     where, "segment " + s.key + ": crc32c is not 8 hex digits"));
        s.crc32c = static_cast<uint32_t>(std::stoul(crc, nullptr, 16));
        s.sha256 = Field(sj, "sha256").get<std::string>();
        p.segments.push_back(std::move(s));
      }
      for (const auto& gj : Field(pj, "gaps")) {
        p.gaps.push_back({Field(gj, "from").get<int64_t>(), Field(gj, "to").get<int64_t>(),
                          Field(gj, "reason").get<std::string>()});
      }
      STRATA_RETURN_IF_ERROR(ValidatePartition(t, p, where));
      t.partitions.push_back(std::move(p));
    }
    m.topics.push_back(std::move(t));
  }
  for (const auto& gj : doc.value("consumer_groups", ordered_json::array())) {
    GroupState g;
    g.group = Field(gj, "group").get<std::string>();
    for (const auto& oj : Field(gj, "offsets")) {
      g.offsets.push_back({Field(oj, "topic").get<std::string>(), Field(oj, "partition").get<int32_t>(),
                           Field(oj, "offset").get<int64_t>(), oj.value("metadata", "")});
    }
    m.consumer_groups.push_back(std::move(g));
  }
  if (doc.contains("acls")) {
    const auto& aj = doc.at("acls");
    m.acls.captured = aj.value("captured", false);
    m.acls.reason = aj.value("reason", "");
    for (const auto& bj : aj.value("bindings", ordered_json::array())) {
      m.acls.bindings.push_back({bj.value("resource_type", ""), bj.value("resource_name", ""),
                                 bj.value("pattern_type", ""), bj.value("principal", ""), bj.value("host", ""),
                                 bj.value("operation", ""), bj.value("permission_type", "")});
    }
  }
  for (const auto& w : doc.value("warnings", ordered_json::array())) m.warnings.push_back(w.get<std::string>());
  return m;
}

}  // namespace

Result<KafkaManifest> ParseKafkaManifest(ByteView json, std::string_view where) {
  ordered_json doc = ordered_json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return DataLossError(fmt::format("manifest {}: not valid JSON (truncated or corrupt?)", where));
  }
  std::string format = doc.value("format", "");
  if (format != kKafkaManifestFormat) {
    return FailedPreconditionError(
        fmt::format("manifest {}: format \"{}\" is not {}", where, format, kKafkaManifestFormat));
  }
  if (!doc.contains("version") || !doc["version"].is_number_integer()) {
    return DataLossError(fmt::format("manifest {}: no version", where));
  }
  int version = doc["version"].get<int>();
  if (version != kKafkaManifestVersion) {
    return FailedPreconditionError(fmt::format(
        "manifest {}: format version {} is not supported by this strata (it reads version {}); "
        "use a strata release that supports it",
        where, version, kKafkaManifestVersion));
  }
  try {
    return Decode(doc, where);
  } catch (const nlohmann::json::exception& e) {
    // A missing or mistyped field: the library names it in e.what().
    return DataLossError(fmt::format("manifest {}: {}", where, e.what()));
  }
}

}  // namespace strata::format
