// StackEnv: the addresses of the local stack (scripts/stack.sh start), read from its env
// file. Integration tests fail (never skip) when the stack is not there: CI must not pass
// because a server was missing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace strata::testing {

class StackEnv {
 public:
  // The env file named by $STRATA_STACK_ENV, else <repo>/stack/stack.env.
  static const StackEnv& Get();

  // The value of `name`; fails the current test (ADD_FAILURE) and returns "" if absent.
  std::string Require(const std::string& name) const;
  std::optional<std::string> Find(const std::string& name) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::map<std::string, std::string> vars_;
};

// Runs `command` in a shell; returns its exit code (-1 if it did not exit) and what it
// printed on stdout and stderr.
std::pair<int, std::string> Shell(const std::string& command);

// A name unique to this process and call, for topics, znodes and keys.
std::string UniqueName(const std::string& prefix);

}  // namespace strata::testing
