// What every villagecam-node command returns, and how it reads its config.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"

namespace villagecam::commands {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;    // the command ran and what it checked failed
inline constexpr int kExitBadConfig = 2;  // bad config or command line: nothing was tried

// The config at `path`, or nullopt after printing every problem to stderr as
// file:line:column: key.path: what is wrong, and their count.
std::optional<config::Config> loadOrReport(const std::string& path);

}  // namespace villagecam::commands
