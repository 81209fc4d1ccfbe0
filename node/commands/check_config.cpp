#include "commands/check_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "commands/exit_codes.hpp"
#include "i18n/messages.hpp"

namespace villagecam::commands {

int checkConfig(const std::string& path) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  size_t enabled = 0;
  for (const auto& c : cfg->cameras) enabled += c.enabled ? 1 : 0;
  std::cout << i18n::tr(i18n::Msg::ConfigOk, path, cfg->node.id, cfg->cameras.size(), enabled, cfg->areas.size())
            << '\n';
  // Not errors, but an installer wants to know: cameras that watch no area.
  for (const auto& c : cfg->cameras) {
    bool used = false;
    for (const auto& a : cfg->areas) used = used || std::find(a.cameras.begin(), a.cameras.end(), c.id) != a.cameras.end();
    if (!used && !cfg->areas.empty()) std::cout << i18n::tr(i18n::Msg::CameraInNoArea, c.id) << '\n';
  }
  return kExitOk;
}

}  // namespace villagecam::commands
