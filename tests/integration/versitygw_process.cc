#include "tests/integration/versitygw_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "storage/s3/curl_transport.h"
#include "storage/s3/s3_client.h"

extern char** environ;

namespace strata::testing {
namespace {

constexpr char kAccessKey[] = "strata-test";
constexpr char kSecretKey[] = "strata-test-secret";
constexpr char kRegion[] = "us-east-1";
constexpr auto kReadyTimeout = std::chrono::seconds(20);

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string Binary() {
  if (const char* b = std::getenv("STRATA_VERSITYGW")) return b;
  if (const char* cache = std::getenv("STRATA_CACHE")) return std::string(cache) + "/bin/versitygw";
  return std::string(STRATA_SOURCE_DIR) + "/.cache/bin/versitygw";
}

// A client for bucket-level calls on the server (CreateBucket).
Result<std::shared_ptr<s3::S3Client>> Client(const std::string& endpoint,
                                             const std::string& bucket) {
  STRATA_ASSIGN_OR_RETURN(s3::Endpoint e, s3::Endpoint::Parse(endpoint));
  STRATA_ASSIGN_OR_RETURN(s3::RequestBuilder builder,
                          s3::RequestBuilder::Create(e, bucket, s3::AddressingStyle::kPath));
  STRATA_ASSIGN_OR_RETURN(auto transport, s3::CurlTransport::Create());
  auto credentials = std::make_shared<s3::StaticCredentialsProvider>(
      s3::Credentials{kAccessKey, kSecretKey, std::nullopt, std::nullopt}, "test");
  s3::S3ClientOptions options;
  options.retry.max_attempts = 1;
  return std::make_shared<s3::S3Client>(std::shared_ptr<s3::HttpTransport>(std::move(transport)),
                                        credentials, std::move(builder),
                                        s3::SignerConfig{.region = kRegion}, options);
}

}  // namespace

Result<std::unique_ptr<VersitygwProcess>> VersitygwProcess::Start(const std::string& bucket) {
  const std::string binary = Binary();
  if (access(binary.c_str(), X_OK) != 0) {
    return NotFoundError("versitygw binary " + binary + " is missing; run scripts/setup.sh");
  }
  std::string dir = (std::filesystem::temp_directory_path() / "strata-gw-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return InternalError("mkdtemp failed");
  for (const char* sub : {"data", "meta", "versions"}) {
    std::filesystem::create_directories(dir + "/" + sub);
  }
  auto gw = std::unique_ptr<VersitygwProcess>(new VersitygwProcess(binary, dir, FreePort()));
  STRATA_RETURN_IF_ERROR(gw->Launch());
  STRATA_ASSIGN_OR_RETURN(auto client, Client(gw->endpoint(), bucket));
  STRATA_ASSIGN_OR_RETURN(s3::HttpRequest create, client->builder().CreateBucket({}));
  s3::S3Operation op{"CreateBucket", "", std::move(create), {}, false, {}};
  STRATA_RETURN_IF_ERROR(client->Execute(op, {}).status());
  return gw;
}

VersitygwProcess::VersitygwProcess(std::string binary, std::string dir, int port)
    : binary_(std::move(binary)), dir_(std::move(dir)), port_(port) {}

VersitygwProcess::~VersitygwProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGCONT);
    Kill();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string VersitygwProcess::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

Status VersitygwProcess::Launch() {
  std::vector<std::string> args = {binary_, "--port", "127.0.0.1:" + std::to_string(port_),
                                   "--region", kRegion, "posix", "--sidecar", dir_ + "/meta",
                                   "--versioning-dir", dir_ + "/versions", dir_ + "/data"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {std::string("ROOT_ACCESS_KEY=") + kAccessKey,
                                          std::string("ROOT_SECRET_KEY=") + kSecretKey};
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = dir_ + "/versitygw.log";
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = posix_spawn(&pid_, binary_.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return InternalError("cannot start " + binary_);
  return WaitReady();
}

Status VersitygwProcess::WaitReady() {
  const auto until = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < until) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (up) return OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return UnavailableError("versitygw did not come up on port " + std::to_string(port_) +
                          "; see " + dir_ + "/versitygw.log");
}

void VersitygwProcess::Pause() { kill(pid_, SIGSTOP); }

void VersitygwProcess::Resume() { kill(pid_, SIGCONT); }

void VersitygwProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

Status VersitygwProcess::Restart() {
  Kill();
  return Launch();
}

}  // namespace strata::testing
