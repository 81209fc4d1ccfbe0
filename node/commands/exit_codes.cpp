#include "commands/exit_codes.hpp"

#include <fmt/format.h>

#include <iostream>

#include "config/config_loader.hpp"
#include "i18n/messages.hpp"

namespace villagecam::commands {

std::optional<config::Config> loadOrReport(const std::string& path) {
  try {
    return config::loadConfig(path);
  } catch (const config::ConfigError& e) {
    for (const auto& issue : e.issues()) std::cerr << issue.format() << '\n';
    std::cerr << i18n::tr(i18n::Msg::ProblemsFound, path, e.issues().size()) << '\n';
    return std::nullopt;
  }
}

}  // namespace villagecam::commands
