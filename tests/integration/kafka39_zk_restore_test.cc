// The scenario from the field, on a private stack (ZooKeeper 3.8 + a ZooKeeper-mode Kafka
// 3.9 broker) so that stopping and replacing its ZooKeeper cannot disturb other tests:
// create topics with configs and records and a consumer group's offsets; back up
// ZooKeeper and the topics; replace ZooKeeper with an empty one (the broker keeps its log
// directories); start the broker; restore with the Kafka profile; restart the broker; the
// topics, their configs and records are back and the group resumes where it was.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "backup/kafka_backup.h"
#include "backup/zk_backup.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "restore/zk_restore.h"
#include "tests/integration/stack_env.h"
#include "tests/integration/zk_test_util.h"

extern char** environ;

namespace strata {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr int kRecords = 60;
constexpr int kCommitted = 40;  // the group has read this far into each partition

// A private stack in a temporary directory, stopped (with anything relaunched) at the end.
class PrivateStack {
 public:
  PrivateStack() {
    dir_ = fs::temp_directory_path() / testing::UniqueName("strata-k39-stack");
    std::string cmd = std::string(STRATA_SOURCE_DIR) + "/scripts/stack.sh start --dir " + dir_.string() +
                      " --services zk,kafka39 > " + dir_.string() + ".start.log 2>&1";
    ok_ = std::system(cmd.c_str()) == 0;
    std::ifstream env(dir_ / "stack.env");
    std::string line;
    while (std::getline(env, line)) {
      auto eq = line.find('=');
      if (eq != std::string::npos && line[0] != '#') vars_[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  ~PrivateStack() {
    std::string cmd = std::string(STRATA_SOURCE_DIR) + "/scripts/stack.sh stop --dir " + dir_.string() + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "stopping the private stack failed";
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  bool ok() const { return ok_; }
  std::string Var(const std::string& name) const { return vars_.count(name) ? vars_.at(name) : ""; }
  const fs::path& dir() const { return dir_; }

  pid_t Pid(const std::string& service) const {
    std::ifstream f(dir_ / (service + ".pid"));
    pid_t pid = 0;
    f >> pid;
    return pid;
  }
  // The command line and working directory of a running service, to start it again.
  bool Capture(const std::string& service) {
    pid_t pid = Pid(service);
    std::ifstream f("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::vector<std::string> argv;
    std::string arg;
    std::istringstream in(all);
    while (std::getline(in, arg, '\0')) argv.push_back(arg);
    if (argv.empty()) return false;
    commands_[service] = argv;
    cwd_[service] = fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd");
    return true;
  }
  // Stops a service (SIGTERM, then SIGKILL after 40 s).
  void Stop(const std::string& service) {
    pid_t pid = Pid(service);
    if (pid <= 0 || kill(pid, SIGTERM) != 0) return;
    for (int i = 0; i < 400 && kill(pid, 0) == 0; ++i) {
      waitpid(pid, nullptr, WNOHANG);
      std::this_thread::sleep_for(100ms);
    }
    if (kill(pid, 0) == 0) kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  bool Running(const std::string& service) {
    pid_t pid = Pid(service);
    waitpid(pid, nullptr, WNOHANG);
    return pid > 0 && kill(pid, 0) == 0;
  }
  // Starts a captured service again, recording its pid where stack.sh stop finds it.
  bool Start(const std::string& service) {
    const auto& args = commands_.at(service);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    std::string log = (dir_ / (service + ".log")).string();
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::string cwd = cwd_.at(service).string();
    pid_t pid = 0;
    std::string old = fs::current_path().string();
    fs::current_path(cwd);
    int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    fs::current_path(old);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    std::ofstream(dir_ / (service + ".pid")) << pid << "\n";
    return true;
  }

 private:
  fs::path dir_;
  bool ok_ = false;
  std::map<std::string, std::string> vars_;
  std::map<std::string, std::vector<std::string>> commands_;
  std::map<std::string, fs::path> cwd_;
};

kafka::ClientOptions Client(const std::string& bootstrap) {
  kafka::ClientOptions c;
  c.bootstrap_servers = bootstrap;
  return c;
}

// Waits until the broker answers metadata with `topic` led by a live broker.
bool WaitForTopic(kafka::Admin& admin, const std::string& topic, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    auto t = admin.DescribeTopic(topic, Deadline::After(5s));
    if (t.ok() && !t->partitions.empty()) {
      bool led = true;
      for (const auto& p : t->partitions) led = led && p.leader >= 0;
      if (led) return true;
    }
    std::this_thread::sleep_for(500ms);
  }
  return false;
}

std::vector<kafka::Record> ReadAll(const std::string& bootstrap, const std::string& topic, int32_t partitions,
                                   int64_t from) {
  std::vector<kafka::Record> out;
  kafka::ConsumerOptions o;
  o.report_partition_end = true;
  auto c = kafka::Consumer::Open(Client(bootstrap), o);
  EXPECT_TRUE(c.ok());
  std::vector<kafka::PartitionStart> starts;
  for (int32_t p = 0; p < partitions; ++p) starts.push_back({topic, p, from});
  EXPECT_TRUE((*c)->Assign(starts).ok());
  int ends = 0;
  auto until = std::chrono::steady_clock::now() + 60s;
  while (ends < partitions && std::chrono::steady_clock::now() < until) {
    auto ev = (*c)->Poll(Deadline::After(1s));
    if (!ev.ok()) break;
    if (ev->record) out.push_back(*ev->record);
    if (ev->end) ends++;
  }
  return out;
}

TEST(Kafka39ZkRestoreTest, TopicsConfigsRecordsAndGroupsSurviveLosingZooKeeper) {
  PrivateStack stack;
  ASSERT_TRUE(stack.ok()) << "scripts/stack.sh start failed; see " << stack.dir() << ".start.log";
  const std::string bootstrap = stack.Var("KAFKA39_BOOTSTRAP");
  const std::string zk_connect = stack.Var("KAFKA39_ZK_CONNECT");
  auto admin = kafka::Admin::Open(Client(bootstrap));
  ASSERT_TRUE(admin.ok());

  // Topics with configs and records, and a group that has read part of them.
  ASSERT_TRUE((*admin)->CreateTopic({"orders", 3, 1, {{"retention.ms", "123456789"}, {"max.message.bytes", "200000"}}},
                                    Deadline::After(30s)).ok());
  ASSERT_TRUE((*admin)->CreateTopic({"events", 1, 1, {{"cleanup.policy", "compact"}}}, Deadline::After(30s)).ok());
  ASSERT_TRUE(WaitForTopic(**admin, "orders", 60s));
  ASSERT_TRUE(WaitForTopic(**admin, "events", 60s));
  auto producer = kafka::Producer::Open(Client(bootstrap), {});
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < kRecords; ++i) {
    for (int32_t p = 0; p < 3; ++p) {
      ASSERT_TRUE((*producer)->Send({"orders", p, -1, "k" + std::to_string(i), fmt::format("order {} {}", p, i), {}, -1},
                                    Deadline::After(30s)).ok());
    }
    ASSERT_TRUE((*producer)->Send({"events", 0, -1, "key", "event " + std::to_string(i), {}, -1},
                                  Deadline::After(30s)).ok());
  }
  ASSERT_TRUE((*producer)->Flush(Deadline::After(60s)).ok());
  producer->reset();
  std::vector<kafka::GroupOffset> committed;
  for (int32_t p = 0; p < 3; ++p) committed.push_back({"orders", p, kCommitted, ""});
  Status commit;
  for (int i = 0; i < 60; ++i) {  // Unavailable until the coordinator knows the new topic
    commit = (*admin)->CommitGroupOffsets("app", committed, Deadline::After(30s));
    if (commit.code() != StatusCode::kUnavailable) break;
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(commit.ok()) << commit.ToString();

  // Back up ZooKeeper and the topics.
  auto mem = testing::NewMemRepo();
  backup::ZkBackupOptions zb;
  zb.connect = zk_connect;
  zb.ensemble = "kafka39";
  auto zk_backup = backup::RunZkBackup(*mem.repo, zb);
  ASSERT_TRUE(zk_backup.ok()) << zk_backup.status().ToString();
  backup::KafkaBackupOptions kb;
  kb.client = Client(bootstrap);
  kb.topics = {"orders", "events"};
  auto kafka_backup = backup::RunKafkaBackup(*mem.repo, kb);
  ASSERT_TRUE(kafka_backup.ok()) << kafka_backup.status().ToString();
  EXPECT_EQ(kafka_backup->records, 4 * kRecords);

  // ZooKeeper is lost: stop the broker (its log dirs stay), then ZooKeeper; start an
  // empty ZooKeeper on the same port.
  admin->reset();
  ASSERT_TRUE(stack.Capture("kafka39"));
  ASSERT_TRUE(stack.Capture("zk"));
  stack.Stop("kafka39");
  stack.Stop("zk");
  fs::remove_all(stack.dir() / "zk-data");
  fs::create_directories(stack.dir() / "zk-data");
  ASSERT_TRUE(stack.Start("zk"));
  auto zk = testing::ConnectZk(stack.Var("ZK_CONNECT"));
  ASSERT_NE(zk, nullptr);

  // The broker starts against the empty ZooKeeper. With its old log directories it
  // refuses the cluster id it generates there ("Invalid cluster.id in meta.properties")
  // and stops; either way it leaves znodes behind that the restore must cope with.
  ASSERT_TRUE(stack.Start("kafka39"));
  for (int i = 0; i < 600 && stack.Running("kafka39"); ++i) {
    if (zk->Exists("/kafka39/brokers/ids/0").value_or(std::nullopt)) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(zk->Exists("/kafka39/cluster/id").value_or(std::nullopt).has_value());
  std::printf("broker against the empty ZooKeeper: %s\n", stack.Running("kafka39") ? "running" : "exited");

  restore::ZkRestoreOptions r;
  r.connect = zk_connect;
  r.profile = restore::ZkProfile::kKafka;
  std::map<std::string, restore::ZkPlanLine> lines;
  auto restored = restore::RunZkRestore(*mem.repo, r, [&](const restore::ZkPlanLine& l) { lines[l.path] = l; });
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  for (const auto& [path, l] : lines) {
    std::printf("%s %s %s %s\n", std::string(restore::ZkPlanSymbol(l.action)).c_str(), path.c_str(),
                std::string(restore::ZkPlanName(l.action)).c_str(), l.detail.c_str());
  }
  EXPECT_EQ(restored->failed, 0u);
  EXPECT_GE(restored->skipped_ephemeral + restored->skipped_profile, 2u);  // broker registration, controller
  EXPECT_EQ(lines["/kafka39/cluster/id"].action, restore::ZkPlanAction::kUpdate) << lines["/kafka39/cluster/id"].detail;

  // Restart the broker: everything is back.
  stack.Stop("kafka39");
  ASSERT_TRUE(stack.Start("kafka39"));
  admin = kafka::Admin::Open(Client(bootstrap));
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(WaitForTopic(**admin, "orders", 90s)) << "the broker did not come back; see " << stack.dir();
  ASSERT_TRUE(WaitForTopic(**admin, "events", 30s));
  auto orders = (*admin)->DescribeTopic("orders", Deadline::After(10s));
  ASSERT_TRUE(orders.ok());
  EXPECT_EQ(orders->partition_count(), 3);
  auto configs = (*admin)->DescribeTopicConfigs("orders", Deadline::After(10s));
  ASSERT_TRUE(configs.ok());
  EXPECT_EQ(configs->values["retention.ms"], "123456789");
  EXPECT_EQ(configs->values["max.message.bytes"], "200000");
  EXPECT_EQ((*admin)->DescribeTopicConfigs("events", Deadline::After(10s))->values["cleanup.policy"], "compact");

  auto all = ReadAll(bootstrap, "orders", 3, 0);
  EXPECT_EQ(all.size(), static_cast<size_t>(3 * kRecords));
  EXPECT_EQ(ReadAll(bootstrap, "events", 1, 0).size(), static_cast<size_t>(kRecords));
  auto offsets = (*admin)->ListGroupOffsets("app", {"orders"}, Deadline::After(30s));
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  std::sort(offsets->begin(), offsets->end(),
            [](const auto& a, const auto& b) { return a.partition < b.partition; });
  EXPECT_EQ(*offsets, committed);
  // The group resumes: what it has not read yet is exactly what remains.
  auto rest = ReadAll(bootstrap, "orders", 3, kCommitted);
  ASSERT_EQ(rest.size(), static_cast<size_t>(3 * (kRecords - kCommitted)));
  for (const auto& rec : rest) {
    EXPECT_EQ(*rec.value, fmt::format("order {} {}", rec.partition, rec.offset));
  }
}

}  // namespace
}  // namespace strata
