#include "tests/integration/stack_env.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace strata::testing {

const StackEnv& StackEnv::Get() {
  static const StackEnv env = [] {
    StackEnv e;
    const char* p = std::getenv("STRATA_STACK_ENV");
    e.path_ = p != nullptr ? p : std::string(STRATA_SOURCE_DIR) + "/stack/stack.env";
    std::ifstream in(e.path_);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      e.vars_[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return e;
  }();
  return env;
}

std::optional<std::string> StackEnv::Find(const std::string& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

std::string StackEnv::Require(const std::string& name) const {
  auto v = Find(name);
  if (!v) {
    ADD_FAILURE() << name << " is not in the stack env file " << path_
                  << "; start the stack first (scripts/stack.sh start) or run scripts/test.sh";
    return "";
  }
  return *v;
}

std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return prefix + "-" + std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count() % 100000000) + "-" +
         std::to_string(counter++);
}

std::pair<int, std::string> Shell(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace strata::testing
