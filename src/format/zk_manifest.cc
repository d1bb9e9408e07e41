#include "format/zk_manifest.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace strata::format {

using nlohmann::ordered_json;

constexpr size_t kZxidHexDigits = 16;

std::string ZxidHex(int64_t zxid) { return fmt::format("0x{:016x}", static_cast<uint64_t>(zxid)); }

Result<int64_t> ParseZxidHex(std::string_view text) {
  if (text.size() < 3 || text.size() > 2 + kZxidHexDigits || text.substr(0, 2) != "0x") {
    return InvalidArgumentError(fmt::format("\"{}\" is not a zxid (0x and hex digits)", text));
  }
  uint64_t v = 0;
  for (char c : text.substr(2)) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return InvalidArgumentError(fmt::format("\"{}\" is not a zxid (0x and hex digits)", text));
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return static_cast<int64_t>(v);
}

namespace {

ordered_json OptZxid(const std::optional<int64_t>& z) { return z ? ordered_json(ZxidHex(*z)) : ordered_json(nullptr); }

}  // namespace

std::string ZkManifestToJson(const ZkManifest& m) {
  const ZkConsistency& c = m.consistency;
  ordered_json quotas = ordered_json::array();
  for (const auto& q : m.quotas) quotas.push_back({{"path", q.path}, {"limits", q.limits}});
  ordered_json doc{
      {"format", kZkManifestFormat},
      {"version", kZkManifestVersion},
      {"id", m.id},
      {"ensemble", m.ensemble},
      {"created", m.created},
      {"strata_version", m.strata_version},
      {"source",
       {{"method", m.method},
        {"connect", m.connect},
        {"chroot", m.chroot},
        {"server", m.server},
        {"server_version", m.server_version},
        {"snapshot_file", m.snapshot_file}}},
      {"snapshot",
       {{"key", m.key},
        {"bytes", m.bytes},
        {"entry_bytes", m.entry_bytes},
        {"data_bytes", m.data_bytes},
        {"crc32c", fmt::format("{:08x}", m.crc32c)},
        {"sha256", m.sha256}}},
      {"consistency",
       {{"zxid_start", OptZxid(c.zxid_start)},
        {"zxid_end", OptZxid(c.zxid_end)},
        {"zxid_source", c.zxid_source},
        {"max_zxid_seen", ZxidHex(c.max_zxid_seen)},
        {"exact", c.exact},
        {"changed", c.changed},
        {"changed_sample", c.changed_sample},
        {"vanished", c.vanished},
        {"reread", c.reread},
        {"unstable", c.unstable}}},
      {"counts",
       {{"znodes", m.counts.znodes},
        {"persistent", m.counts.persistent},
        {"persistent_or_extended", m.counts.persistent_or_extended},
        {"ephemeral", m.counts.ephemeral},
        {"container", m.counts.container},
        {"ttl", m.counts.ttl},
        {"sequential", m.counts.sequential},
        {"acl_redacted", m.counts.acl_redacted}}},
      {"sizes",
       {{"largest_znode_bytes", m.largest_znode_bytes},
        {"largest_znode", m.largest_znode},
        {"max_children", m.max_children},
        {"max_children_znode", m.max_children_znode}}},
      {"excluded", m.excluded},
      {"quotas", quotas},
      {"warnings", m.warnings}};
  if (m.imported) {
    const ZkImport& i = *m.imported;
    doc["import"] = {{"tool", i.tool},       {"archive", i.archive},           {"source_id", i.source_id},
                     {"source_date", i.source_date}, {"acl", i.acl},          {"not_recorded", i.not_recorded},
                     {"implied", i.implied}, {"skipped", i.skipped}};
  }
  return doc.dump(2) + "\n";
}

namespace {

Result<std::optional<int64_t>> ZxidField(const ordered_json& obj, const char* name) {
  const auto& v = obj.at(name);
  if (v.is_null()) return std::optional<int64_t>();
  Result<int64_t> z = ParseZxidHex(v.get<std::string>());
  if (!z.ok()) return DataLossError(fmt::format("{}: {}", name, z.status().message()));
  return std::optional<int64_t>(*z);
}

// Throws nlohmann's exceptions for missing or mistyped fields (caught by the caller).
Result<ZkManifest> Decode(const ordered_json& doc) {
  ZkManifest m;
  m.id = doc.at("id").get<std::string>();
  m.ensemble = doc.at("ensemble").get<std::string>();
  m.created = doc.at("created").get<std::string>();
  m.strata_version = doc.value("strata_version", "");
  const auto& src = doc.at("source");
  m.method = src.at("method").get<std::string>();
  m.connect = src.value("connect", "");
  m.chroot = src.value("chroot", "");
  m.server = src.value("server", "");
  m.server_version = src.value("server_version", "");
  m.snapshot_file = src.value("snapshot_file", "");
  const auto& snap = doc.at("snapshot");
  m.key = snap.at("key").get<std::string>();
  m.bytes = snap.at("bytes").get<uint64_t>();
  m.entry_bytes = snap.at("entry_bytes").get<uint64_t>();
  m.data_bytes = snap.at("data_bytes").get<uint64_t>();
  std::string crc = snap.at("crc32c").get<std::string>();
  errno = 0;
  char* end = nullptr;
  unsigned long v = std::strtoul(crc.c_str(), &end, 16);
  if (crc.size() != 8 || errno != 0 || *end != '\0') return DataLossError("snapshot.crc32c: not 8 hex digits");
  m.crc32c = static_cast<uint32_t>(v);
  m.sha256 = snap.at("sha256").get<std::string>();
  const auto& c = doc.at("consistency");
  STRATA_ASSIGN_OR_RETURN(m.consistency.zxid_start, ZxidField(c, "zxid_start"));
  STRATA_ASSIGN_OR_RETURN(m.consistency.zxid_end, ZxidField(c, "zxid_end"));
  m.consistency.zxid_source = c.at("zxid_source").get<std::string>();
  STRATA_ASSIGN_OR_RETURN(std::optional<int64_t> max_seen, ZxidField(c, "max_zxid_seen"));
  m.consistency.max_zxid_seen = max_seen.value_or(0);
  m.consistency.exact = c.at("exact").get<bool>();
  m.consistency.changed = c.value("changed", uint64_t{0});
  m.consistency.changed_sample = c.value("changed_sample", std::vector<std::string>{});
  m.consistency.vanished = c.value("vanished", uint64_t{0});
  m.consistency.reread = c.value("reread", uint64_t{0});
  m.consistency.unstable = c.value("unstable", uint64_t{0});
  const auto& n = doc.at("counts");
  m.counts.znodes = n.at("znodes").get<uint64_t>();
  m.counts.persistent = n.value("persistent", uint64_t{0});
  m.counts.persistent_or_extended = n.value("persistent_or_extended", uint64_t{0});
  m.counts.ephemeral = n.value("ephemeral", uint64_t{0});
  m.counts.container = n.value("container", uint64_t{0});
  m.counts.ttl = n.value("ttl", uint64_t{0});
  m.counts.sequential = n.value("sequential", uint64_t{0});
  m.counts.acl_redacted = n.value("acl_redacted", uint64_t{0});
  if (doc.contains("sizes")) {
    const auto& s = doc.at("sizes");
    m.largest_znode_bytes = s.value("largest_znode_bytes", uint64_t{0});
    m.largest_znode = s.value("largest_znode", "");
    m.max_children = s.value("max_children", uint64_t{0});
    m.max_children_znode = s.value("max_children_znode", "");
  }
  m.excluded = doc.value("excluded", std::vector<std::string>{});
  for (const auto& q : doc.value("quotas", ordered_json::array())) {
    m.quotas.push_back(ZkQuota{q.at("path").get<std::string>(), q.at("limits").get<std::string>()});
  }
  m.warnings = doc.value("warnings", std::vector<std::string>{});
  if (doc.contains("import")) {
    const auto& i = doc.at("import");
    ZkImport imp;
    imp.tool = i.at("tool").get<std::string>();
    imp.archive = i.value("archive", "");
    imp.source_id = i.value("source_id", "");
    imp.source_date = i.value("source_date", "");
    imp.acl = i.value("acl", "");
    imp.not_recorded = i.value("not_recorded", std::vector<std::string>{});
    imp.implied = i.value("implied", uint64_t{0});
    imp.skipped = i.value("skipped", uint64_t{0});
    m.imported = std::move(imp);
  }
  return m;
}

Status Validate(const ZkManifest& m, std::string_view where) {
  auto bad = [&](const std::string& what) { return DataLossError(fmt::format("manifest {}: {}", where, what)); };
  if (m.key.size() < 5 || m.key.compare(m.key.size() - 4, 4, ".zks") != 0) return bad("snapshot.key does not end in .zks");
  if (m.consistency.zxid_start && m.consistency.zxid_end && *m.consistency.zxid_start > *m.consistency.zxid_end) {
    return bad("zxid_start is after zxid_end");
  }
  if (m.method != kZkMethodWalk && m.method != kZkMethodSnapshotFile && m.method != kZkMethodAdminSnapshot) {
    return bad(fmt::format("unknown source.method \"{}\"", m.method));
  }
  return OkStatus();
}

}  // namespace

Result<ZkManifest> ParseZkManifest(ByteView json, std::string_view where) {
  ordered_json doc = ordered_json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return DataLossError(fmt::format("manifest {}: not valid JSON (truncated or corrupt?)", where));
  }
  std::string format = doc.value("format", "");
  if (format != kZkManifestFormat) {
    return FailedPreconditionError(fmt::format("manifest {}: format \"{}\" is not {}", where, format, kZkManifestFormat));
  }
  if (!doc.contains("version") || !doc["version"].is_number_integer()) {
    return DataLossError(fmt::format("manifest {}: no version", where));
  }
  int version = doc["version"].get<int>();
  if (version != kZkManifestVersion) {
    return FailedPreconditionError(fmt::format(
        "manifest {}: format version {} is not supported by this strata (it reads version {}); use a strata "
        "release that supports it",
        where, version, kZkManifestVersion));
  }
  Result<ZkManifest> m = DataLossError("not decoded");
  try {
    m = Decode(doc);
  } catch (const nlohmann::json::exception& e) {
    // A missing or mistyped field: the library names it in e.what().
    return DataLossError(fmt::format("manifest {}: {}", where, e.what()));
  }
  if (!m.ok()) return DataLossError(fmt::format("manifest {}: {}", where, m.status().message()));
  STRATA_RETURN_IF_ERROR(Validate(*m, where));
  return m;
}

}  // namespace strata::format
