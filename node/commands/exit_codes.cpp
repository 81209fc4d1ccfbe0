#include "commands/exit_codes.hpp"

#include <fmt/format.h>

#include <iostream>

#include "config/config_loader.hpp"

namespace villagecam::commands {

std::optional<config::Config> loadOrReport(const std::string& path) {
  try {
    return config::loadConfig(path);
  } catch (const config::ConfigError& e) {
    for (const auto& issue : e.issues()) std::cerr << issue.format() << '\n';
    std::cerr << fmt::format("{}: {} problem{} found\n", path, e.issues().size(), e.issues().size() == 1 ? "" : "s");
    return std::nullopt;
  }
}

}  // namespace villagecam::commands
