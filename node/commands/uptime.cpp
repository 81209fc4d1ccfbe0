#include "commands/uptime.hpp"

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/exit_codes.hpp"
#include "health/uptime_ledger.hpp"
#include "i18n/messages.hpp"
#include "util/atomic_file.hpp"

namespace villagecam::commands {

namespace {

std::string percent(const std::optional<double>& ratio) {
  return ratio ? fmt::format("{:6.2f}%", *ratio * 100.0) : std::string("      -");
}

}  // namespace

int printUptime(const std::string& path, bool json) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  const auto file = cfg->state_dir / "uptime.json";
  health::UptimeLedger ledger;
  try {
    if (auto text = readFileIfExists(file)) ledger = health::UptimeLedger::fromJson(*text);
  } catch (const std::exception& e) {
    std::cerr << file.string() << ": " << e.what() << '\n';
    return kExitFailure;
  }
  const auto now = std::chrono::system_clock::now();
  nlohmann::json out = nlohmann::json::object();
  if (!json) {
    std::cout << i18n::tr(i18n::Msg::UptimeHeader, i18n::tr(i18n::Msg::UptimeCamera), "1h", "24h", "7d") << '\n';
  }
  for (const auto& cam : cfg->cameras) {
    const auto s = ledger.stats(cam.id, now);
    if (json) {
      auto win = [](const health::UptimeWindow& w) {
        return nlohmann::json{{"up_s", w.up_s}, {"down_s", w.down_s}, {"unknown_s", w.unknown_s},
                              {"ratio", w.ratio() ? nlohmann::json(*w.ratio()) : nlohmann::json()}};
      };
      out[cam.id] = {{"1h", win(s.last_1h)}, {"24h", win(s.last_24h)}, {"7d", win(s.last_7d)}};
    } else {
      std::cout << fmt::format("{:<20} {:>8} {:>8} {:>8}\n", cam.id, percent(s.last_1h.ratio()),
                               percent(s.last_24h.ratio()), percent(s.last_7d.ratio()));
    }
  }
  if (json) std::cout << out.dump(2) << '\n';
  return kExitOk;
}

}  // namespace villagecam::commands
