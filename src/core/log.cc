#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>
#include <string>

namespace strata::log {
namespace {

std::mutex mu;
spdlog::level::level_enum current_level = spdlog::level::info;
std::string current_pattern = "%Y-%m-%dT%H:%M:%S.%e%z %l [%n] %v";

constexpr const char* kJsonPattern =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"%n","msg":"%v"})";

}  // namespace

spdlog::logger& Get(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu);
  std::string n(name);
  if (auto existing = spdlog::get(n)) return *existing;
  auto logger = spdlog::stderr_logger_mt(n);
  logger->set_level(current_level);
  logger->set_pattern(current_pattern);
  return *logger;
}

bool Configure(std::string_view level, Format format) {
  auto lvl = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; accept "off" only when asked for by name.
  if (lvl == spdlog::level::off && level != "off") return false;
  std::lock_guard<std::mutex> lock(mu);
  current_level = lvl;
  current_pattern = format == Format::kJson ? kJsonPattern : "%Y-%m-%dT%H:%M:%S.%e%z %l [%n] %v";
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
    l->set_level(current_level);
    l->set_pattern(current_pattern);
  });
  return true;
}

}  // namespace strata::log
