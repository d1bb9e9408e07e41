// The program's version, set by CMake from project(VERSION).
#pragma once

#include <string_view>

namespace strata {
std::string_view Version();
}  // namespace strata
