#include "backup/spredfast_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>

#include "backup/kafka_backup.h"
#include "backup/log.h"
#include "backup/partition_task.h"
#include "backup/segment_uploader.h"
#include "backup/spredfast_plan.h"
#include "core/version.h"
#include "format/spredfast_layout.h"
#include "storage/chunked_reader.h"

namespace strata::backup {
namespace {

using format::spredfast::DataObjectReader;
using format::spredfast::KeyMode;
using spredfast::PartitionFiles;
using spredfast::SourceFile;

// Files read to find the key mode when their chunks cannot tell (all empty, say).
constexpr int kMaxDetectionFiles = 16;
constexpr int kFindObjectKeys = 1000;

Result<std::optional<std::vector<format::spredfast::ChunkDescriptor>>> LoadIndex(storage::ObjectStore& store,
                                                                                  const SourceFile& file) {
  if (!file.index_key) return std::optional<std::vector<format::spredfast::ChunkDescriptor>>();
  storage::ObjectKey key(*file.index_key);
  STRATA_ASSIGN_OR_RETURN(Bytes json, store.Get(key));
  STRATA_ASSIGN_OR_RETURN(auto chunks, format::spredfast::ParseIndex(json, file.start_offset, store.Describe(key)));
  return std::optional(std::move(chunks));
}

// Streams `file` into every reader, in ranged reads of `window` bytes.
Status ReadObject(storage::ObjectStore& store, const SourceFile& file, uint64_t window, const CancelToken& cancel,
                  const std::vector<DataObjectReader*>& readers) {
  storage::ChunkedReader object(store, storage::ObjectKey(file.key), file.size, window);
  for (;;) {
    if (cancel.cancelled()) return CancelledError("import cancelled");
    STRATA_ASSIGN_OR_RETURN(ByteView piece, object.Next());
    if (piece.empty()) break;
    // A reader that fails keeps its error for Finish; stop when no reader is left.
    bool reading = false;
    for (DataObjectReader* r : readers) reading = r->Feed(piece).ok() || reading;
    if (!reading) break;
  }
  return OkStatus();
}

Result<std::vector<PartitionFiles>> Select(std::map<spredfast::TopicPartition, PartitionFiles> all,
                                           const SpredfastImportOptions& o, const std::string& url) {
  if (all.empty()) {
    return NotFoundError(fmt::format(
        "no Kafka Connect S3 (Spredfast) data objects (<topic>-<partition:5 digits>-<offset>.gz) under {}", url));
  }
  std::optional<std::regex> re;
  if (o.topic_regex) {
    try {
      re.emplace(*o.topic_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return InvalidArgumentError(fmt::format("--topic-regex \"{}\": {}", *o.topic_regex, e.what()));
    }
  }
  const std::set<std::string> named(o.topics.begin(), o.topics.end());
  std::set<std::string> seen;
  std::vector<PartitionFiles> out;
  for (auto& [tp, files] : all) {
    bool wanted = (named.empty() && !re) || named.count(tp.first) || (re && std::regex_match(tp.first, *re));
    if (!wanted) continue;
    seen.insert(tp.first);
    out.push_back(std::move(files));
  }
  for (const auto& t : named) {
    if (!seen.count(t)) return NotFoundError(fmt::format("topic {} has no data object under {}", t, url));
  }
  if (out.empty()) return NotFoundError(fmt::format("no topic under {} matches --topic-regex {}", url, *o.topic_regex));
  return out;
}

class Importer {
 public:
  Importer(storage::ObjectStore& source, const Repository& repo, const SpredfastImportOptions& o)
      : source_(source), repo_(repo), o_(o), run_(NewRunId()) {
    backup_options_.segment_bytes = o.segment_bytes;
    backup_options_.zstd_level = o.zstd_level;
  }

  Result<SpredfastImportResult> Run();

 private:
  Result<KeyMode> DetectKeyMode(const std::string& topic, const std::vector<const PartitionFiles*>& partitions);
  Result<format::PartitionState> ImportPartition(const PartitionFiles& pf, KeyMode mode);
  Status ImportFile(const SourceFile& file, KeyMode mode, PartitionTask& task, spredfast::OffsetTracker& offsets);
  Status Seal(PartitionTask& task);
  format::KafkaManifest Manifest(std::vector<format::TopicState> topics) const;

  storage::ObjectStore& source_;
  const Repository& repo_;
  const SpredfastImportOptions& o_;
  const std::string run_;
  KafkaBackupOptions backup_options_;
  std::unique_ptr<BufferRecycler> buffers_;
  std::unique_ptr<SegmentUploader> uploader_;
  SpredfastImportResult result_;
};

Result<KeyMode> Importer::DetectKeyMode(const std::string& topic,
                                        const std::vector<const PartitionFiles*>& partitions) {
  int tried = 0;
  for (const PartitionFiles* pf : partitions) {
    for (const SourceFile& file : pf->files) {
      if (!file.index_key) continue;
      if (++tried > kMaxDetectionFiles) break;
      STRATA_ASSIGN_OR_RETURN(auto index, LoadIndex(source_, file));
      std::string where = source_.Describe(storage::ObjectKey(file.key));
      DataObjectReader with(where, KeyMode::kWithKeys, index, nullptr);
      DataObjectReader without(where, KeyMode::kWithoutKeys, index, nullptr);
      STRATA_RETURN_IF_ERROR(ReadObject(source_, file, o_.read_bytes, o_.cancel, {&with, &without}));
      auto a = with.Finish();
      auto b = without.Finish();
      if (a.ok() && !b.ok()) return KeyMode::kWithKeys;
      if (b.ok() && !a.ok()) return KeyMode::kWithoutKeys;
      if (!a.ok()) {
        return DataLossError(fmt::format("{}; read without keys it does not fit its index either: the object is corrupt",
                                         a.status().message()));
      }
    }
  }
  if (tried == 0) {
    return InvalidArgumentError(fmt::format(
        "topic {}: no .index.json to tell whether records hold keys; pass --include-keys true or false", topic));
  }
  return InvalidArgumentError(fmt::format(
      "topic {}: its records read as well with keys as without (checked against {} index objects); pass "
      "--include-keys true or false (the connector's format.include.keys)",
      topic, std::min(tried, kMaxDetectionFiles)));
}

Status Importer::Seal(PartitionTask& task) {
  STRATA_ASSIGN_OR_RETURN(std::optional<SealedSegment> sealed, task.Seal(o_.cluster, run_));
  task.take_released_bytes();
  if (!sealed) return OkStatus();
  ++result_.segments_written;
  result_.bytes_stored += static_cast<int64_t>(sealed->data.size() + sealed->index.size());
  std::vector<UploadItem> items;
  items.push_back({sealed->key, std::move(sealed->data), sealed->crc32c});
  items.push_back({sealed->index_key, std::move(sealed->index), std::nullopt});
  return uploader_->Submit(std::move(items), nullptr);
}

Status Importer::ImportFile(const SourceFile& file, KeyMode mode, PartitionTask& task,
                            spredfast::OffsetTracker& offsets) {
  if (offsets.StartObject(file.start_offset)) {
    STRATA_RETURN_IF_ERROR(Seal(task));
    result_.gaps.push_back(task.SkipTo(file.start_offset, kSpredfastGapReason));
  }
  STRATA_ASSIGN_OR_RETURN(auto index, LoadIndex(source_, file));
  std::string where = source_.Describe(storage::ObjectKey(file.key));
  if (!index) result_.warnings.push_back(where + " has no .index.json (an interrupted upload?): read without checks");
  DataObjectReader reader(where, mode, std::move(index), [&](int64_t ordinal, ByteView key, ByteView value) {
    const int64_t offset = file.start_offset + ordinal;
    if (offsets.Record(offset) == spredfast::OffsetTracker::Verdict::kDuplicate) return OkStatus();
    format::KafkaRecordView view;
    view.offset = offset;
    // The connector keeps no timestamp. The object's upload time is the latest the
    // record can have been produced at, and gives `restore --until T` the meaning "what
    // the connector had uploaded by T" (docs/import-spredfast.md, "What is lost").
    view.timestamp_ms = file.mtime_unix_ms;
    if (mode == KeyMode::kWithKeys && !(key.empty() && o_.empty_keys_are_null)) view.key = key;
    if (!(value.empty() && o_.empty_values_are_null)) view.value = value;
    STRATA_RETURN_IF_ERROR(task.AddRecord(view, backup_options_, *buffers_));
    if (task.buffered_bytes() >= o_.segment_bytes) return Seal(task);
    return OkStatus();
  });
  STRATA_RETURN_IF_ERROR(ReadObject(source_, file, o_.read_bytes, o_.cancel, {&reader}));
  STRATA_ASSIGN_OR_RETURN(format::spredfast::ObjectStats stats, reader.Finish());
  ++result_.files;
  Log().debug("{}: {} records in {} chunks", where, stats.records, stats.members);
  return OkStatus();
}

Result<format::PartitionState> Importer::ImportPartition(const PartitionFiles& pf, KeyMode mode) {
  const int64_t start = pf.files.front().start_offset;
  STRATA_ASSIGN_OR_RETURN(PartitionTask task,
                          PartitionTask::Start(pf.topic, pf.partition, nullptr, kafka::Watermarks{start, start}));
  spredfast::OffsetTracker offsets(start);
  for (const SourceFile& file : pf.files) {
    STRATA_RETURN_IF_ERROR(ImportFile(file, mode, task, offsets));
  }
  STRATA_RETURN_IF_ERROR(Seal(task));
  task.SetHighWatermark(task.position());
  result_.duplicates += offsets.duplicates();
  result_.records += task.records_read();
  result_.superseded_files += static_cast<int>(pf.superseded.size());
  for (const auto& key : pf.superseded) Log().info("{}: another copy of the same offsets was read instead", key);
  Log().info("{}/{}: {} records at offsets {}..{} from {} objects, {} duplicates dropped", pf.topic, pf.partition,
             task.records_read(), start, task.position() - 1, pf.files.size(), offsets.duplicates());
  return task.state();
}

format::KafkaManifest Importer::Manifest(std::vector<format::TopicState> topics) const {
  auto [key_time, iso_time] = NowStamps();
  format::KafkaManifest m;
  m.id = key_time + "-" + run_;
  m.cluster = o_.cluster;
  m.created = iso_time;
  m.strata_version = std::string(Version());
  // Kafka Connect's consumer reads uncommitted records (its default isolation level).
  m.isolation = "read_uncommitted";
  m.complete = true;
  m.imported = format::ImportSource{"spredfast", o_.source_url};
  m.topics = std::move(topics);
  m.acls.reason = "imported from a Kafka Connect S3 (Spredfast) backup, which holds no ACLs";
  m.warnings = result_.warnings;
  return m;
}

Result<SpredfastImportResult> Importer::Run() {
  // docs/format.md, "Layout": the cluster name is a key segment.
  if (o_.cluster.empty() ||
      o_.cluster.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
          std::string::npos) {
    return InvalidArgumentError(
        fmt::format("--cluster \"{}\": use letters, digits, '.', '_' and '-' only", o_.cluster));
  }
  STRATA_ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> listing, storage::ListAll(source_, ""));
  result_.warnings.push_back(fmt::format(
      "imported from {} (Kafka Connect S3, format=binary), which did not store everything: offsets are implied "
      "(first offset of each object + ordinal), timestamps are the objects' upload times, there are no headers, "
      "and null and empty keys and values were stored alike",
      o_.source_url));
  STRATA_ASSIGN_OR_RETURN(std::vector<PartitionFiles> selected,
                          Select(spredfast::GroupObjects(listing), o_, o_.source_url));
  std::map<std::string, std::vector<const PartitionFiles*>> by_topic;
  for (const auto& pf : selected) by_topic[pf.topic].push_back(&pf);
  buffers_ = std::make_unique<BufferRecycler>(o_.segment_bytes * 2);
  uploader_ = std::make_unique<SegmentUploader>(repo_.store(), o_.upload_threads, o_.segment_bytes * 2, o_.cancel,
                                                buffers_.get());
  std::vector<format::TopicState> topics;
  for (const auto& [topic, partitions] : by_topic) {
    KeyMode mode = o_.key_mode.value_or(KeyMode::kWithoutKeys);
    if (!o_.key_mode) {
      STRATA_ASSIGN_OR_RETURN(mode, DetectKeyMode(topic, partitions));
      Log().info("topic {}: records are {} (detected from the indexes)", topic, KeyModeName(mode));
    }
    result_.key_modes[topic] = mode;
    format::TopicState t;
    t.name = topic;
    // Unknown: restore then creates the topic with the target broker's default.
    t.replication_factor = 0;
    for (const PartitionFiles* pf : partitions) {
      STRATA_ASSIGN_OR_RETURN(format::PartitionState state, ImportPartition(*pf, mode));
      t.partitions.push_back(std::move(state));
    }
    t.partition_count = t.partitions.back().partition + 1;
    if (static_cast<size_t>(t.partition_count) != t.partitions.size()) {
      result_.warnings.push_back(fmt::format("topic {}: only {} of partitions 0..{} have data objects", topic,
                                             t.partitions.size(), t.partition_count - 1));
    }
    result_.partitions += static_cast<int>(t.partitions.size());
    topics.push_back(std::move(t));
  }
  result_.topics = static_cast<int>(topics.size());
  for (const auto& g : result_.gaps) result_.warnings.push_back("gap: " + g);
  STRATA_RETURN_IF_ERROR(uploader_->Finish());
  format::KafkaManifest manifest = Manifest(std::move(topics));
  STRATA_RETURN_IF_ERROR(repo_.WriteKafkaManifest(manifest));
  result_.manifest_key = Repository::KafkaManifestKey(manifest.cluster, manifest.id);
  return result_;
}

}  // namespace

Result<SpredfastImportResult> RunSpredfastImport(storage::ObjectStore& source, const Repository& repo,
                                                 const SpredfastImportOptions& options) {
  Importer importer(source, repo, options);
  return importer.Run();
}

Result<std::optional<std::string>> FindSpredfastObject(storage::ObjectStore& store) {
  STRATA_ASSIGN_OR_RETURN(storage::ListPage page, store.List("", "", kFindObjectKeys));
  for (const auto& o : page.objects) {
    if (format::spredfast::ParseDataKey(o.key)) return std::optional<std::string>(o.key);
  }
  return std::optional<std::string>();
}

}  // namespace strata::backup
