#include "restore/fake_target.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <thread>

namespace strata::restore {
namespace {

constexpr int64_t kFakeAppendTime = 1'999'999'999'000;

class FakeReader final : public PartitionReader {
 public:
  FakeReader(std::vector<format::KafkaRecord> records) : records_(std::move(records)) {}
  Result<std::vector<format::KafkaRecord>> Next(Deadline) override {
    if (done_) return std::vector<format::KafkaRecord>();
    done_ = true;
    return std::move(records_);
  }

 private:
  std::vector<format::KafkaRecord> records_;
  bool done_ = false;
};

struct Pending {
  std::string topic;
  format::KafkaRecord record;
  int32_t partition;
  void* opaque;
};

class FakeSink final : public RecordSink {
 public:
  FakeSink(FakeTarget* target, kafka::DeliveryHandler handler) : target_(target), handler_(std::move(handler)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~FakeSink() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Result<int> AddTopic(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    names_.push_back(name);
    return static_cast<int>(names_.size() - 1);
  }
  Status Send(int topic, const kafka::RecordView& v, void* opaque, Deadline, const CancelToken&) override {
    if (target_->crashed()) return AbortedError("fake producer died");
    format::KafkaRecord r;
    r.timestamp_ms = v.timestamp_ms;
    if (v.key) r.key = Bytes(*v.key);
    if (v.value) r.value = Bytes(*v.value);
    for (const auto& h : v.headers) {
      r.headers.push_back({std::string(h.key), h.value ? std::optional<Bytes>(Bytes(*h.value)) : std::nullopt});
    }
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({names_.at(topic), std::move(r), v.partition, opaque});
    ++outstanding_;
    cv_.notify_all();
    return OkStatus();
  }
  Status Flush(Deadline deadline) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_until(lock, std::chrono::steady_clock::now() + deadline.Remaining() / 2,
                        [&] { return outstanding_ == 0; })) {
      return DeadlineExceededError("fake flush");
    }
    return OkStatus();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      kafka::DeliveryReport report;
      report.opaque = p.opaque;
      report.partition = p.partition;
      bool ok = target_->AppendProduced(p.topic, p.partition, std::move(p.record), &report.offset);
      if (!ok) {
        report.offset = -1;
        report.status = AbortedError("fake producer died");
      }
      handler_(report);
      lock.lock();
      --outstanding_;
      cv_.notify_all();
    }
  }

  FakeTarget* target_;
  kafka::DeliveryHandler handler_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  std::vector<std::string> names_;
  int64_t outstanding_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

void FakeTarget::AddTopic(const std::string& name, int32_t partitions, bool log_append_time) {
  std::lock_guard<std::mutex> lock(mu_);
  Topic& t = topics_[name];
  t.logs.resize(partitions);
  t.log_append_time = log_append_time;
  t.spec.name = name;
  t.spec.partitions = partitions;
}

void FakeTarget::Append(const std::string& topic, int32_t partition, format::KafkaRecord record) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& log = topics_.at(topic).logs.at(partition);
  record.offset = static_cast<int64_t>(log.size());
  log.push_back(std::move(record));
}

void FakeTarget::SetGroupMembers(const std::string& group, int members) {
  std::lock_guard<std::mutex> lock(mu_);
  groups_[group].members = members;
}

void FakeTarget::CrashAfter(std::optional<int64_t> records) {
  std::lock_guard<std::mutex> lock(mu_);
  crash_after_ = records;
  crashed_ = false;
}

bool FakeTarget::crashed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return crashed_;
}

std::vector<format::KafkaRecord> FakeTarget::Log(const std::string& topic, int32_t partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  return topics_.at(topic).logs.at(partition);
}

std::optional<FakeTarget::Topic> FakeTarget::GetTopic(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return std::nullopt;
  return it->second;
}

std::vector<kafka::GroupOffset> FakeTarget::GroupOffsets(const std::string& group) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  return it == groups_.end() ? std::vector<kafka::GroupOffset>() : it->second.offsets;
}

Result<TargetTopic> FakeTarget::DescribeTopic(const std::string& name, Deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return NotFoundError(fmt::format("topic {} does not exist", name));
  return TargetTopic{static_cast<int32_t>(it->second.logs.size()), it->second.log_append_time};
}

Status FakeTarget::CreateTopic(const kafka::TopicSpec& spec, Deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  if (topics_.count(spec.name)) return AlreadyExistsError(fmt::format("topic {} exists", spec.name));
  Topic& t = topics_[spec.name];
  t.logs.resize(spec.partitions);
  auto ts = spec.configs.find("message.timestamp.type");
  t.log_append_time = ts != spec.configs.end() && ts->second == "LogAppendTime";
  t.spec = spec;
  return OkStatus();
}

Result<kafka::Watermarks> FakeTarget::Watermarks(const std::string& topic, int32_t partition, Deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 || partition >= static_cast<int32_t>(it->second.logs.size())) {
    return NotFoundError(fmt::format("{}/{} does not exist", topic, partition));
  }
  return kafka::Watermarks{0, static_cast<int64_t>(it->second.logs[partition].size())};
}

Result<std::unique_ptr<PartitionReader>> FakeTarget::OpenReader(const std::string& topic, int32_t partition,
                                                                int64_t offset) {
  std::vector<format::KafkaRecord> log = Log(topic, partition);
  std::vector<format::KafkaRecord> from;
  for (auto& r : log) {
    if (r.offset >= offset) from.push_back(std::move(r));
  }
  return std::unique_ptr<PartitionReader>(std::make_unique<FakeReader>(std::move(from)));
}

Result<std::vector<kafka::GroupInfo>> FakeTarget::ListGroups(Deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<kafka::GroupInfo> out;
  for (const auto& [name, g] : groups_) {
    kafka::GroupInfo info;
    info.name = name;
    info.member_count = g.members;
    info.state = g.members > 0 ? "Stable" : "Empty";
    out.push_back(info);
  }
  return out;
}

Status FakeTarget::CommitGroupOffsets(const std::string& group, const std::vector<kafka::GroupOffset>& offsets,
                                      Deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  Group& g = groups_[group];
  if (g.members > 0) return FailedPreconditionError(fmt::format("group {} has {} members", group, g.members));
  g.offsets = offsets;
  return OkStatus();
}

Result<std::unique_ptr<RecordSink>> FakeTarget::OpenSink(kafka::DeliveryHandler on_delivery) {
  return std::unique_ptr<RecordSink>(std::make_unique<FakeSink>(this, std::move(on_delivery)));
}

bool FakeTarget::AppendProduced(const std::string& topic, int32_t partition, format::KafkaRecord record,
                                int64_t* offset) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& t = topics_.at(topic);
  auto& log = t.logs.at(partition);
  record.offset = static_cast<int64_t>(log.size());
  if (t.log_append_time) {
    record.timestamp_ms = kFakeAppendTime;
    record.timestamp_type = format::TimestampType::kLogAppendTime;
  }
  *offset = record.offset;
  log.push_back(std::move(record));
  if (crash_after_) {
    if (*crash_after_ <= 0) crashed_ = true;
    --*crash_after_;
  }
  return !crashed_;
}

}  // namespace strata::restore
