#include "config/sections.hpp"

#include "config/admin_code.hpp"
#include "i18n/messages.hpp"

namespace villagecam::config {

namespace fs = std::filesystem;

using i18n::Msg;
using i18n::tr;

void readNode(Sections& ctx, const YAML::Node& n, NodeIdentity& node) {
  if (!ctx.reader.expectMap(n, "node")) return;
  ctx.reader.rejectUnknownKeys(n, "node", kNodeKeys);
  if (auto id = ctx.reader.required(n, "node", "id")) node.id = readId(ctx, *id, "node.id").value_or("");
  if (auto v = n["region"]; v.IsDefined()) node.region = ctx.reader.string(v, "node.region").value_or("");
  if (auto v = n["township"]; v.IsDefined()) node.township = ctx.reader.string(v, "node.township").value_or("");
  if (auto v = n["village"]; v.IsDefined()) node.village = ctx.reader.string(v, "node.village").value_or("");
  if (auto v = n["admin_code"]; v.IsDefined()) {
    if (auto code = ctx.reader.string(v, "node.admin_code")) {
      if (const auto problem = adminCodeProblem(*code); !problem.empty()) {
        ctx.reader.report(v.Mark(), "node.admin_code", problem);
      } else {
        node.admin_code = *code;
      }
    }
  }
  if (auto v = n["gb_code"]; v.IsDefined()) node.gb_code = readGbCode(ctx, v, "node.gb_code", GbDeviceRole::Node).value_or("");
  if (auto v = n["trust_unsynchronised_clock"]; v.IsDefined()) {
    node.trust_unsynchronised_clock = ctx.reader.boolean(v, "node.trust_unsynchronised_clock").value_or(false);
  }
  if (auto v = n["timezone"]; v.IsDefined()) {
    if (auto tz = ctx.reader.string(v, "node.timezone")) {
      static const std::regex name("[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*");
      if (!std::regex_match(*tz, name) || !fs::is_regular_file(fs::path("/usr/share/zoneinfo") / *tz)) {
        ctx.reader.report(v.Mark(), "node.timezone",
                          tr(Msg::ConfigUnknownTimeZone, *tz, "Asia/Shanghai", "/usr/share/zoneinfo"));
      } else {
        node.timezone = *tz;
      }
    }
  }
}

void readLogging(Sections& ctx, const YAML::Node& n, LoggingConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "logging", kLoggingKeys);
  if (auto l = n["level"]; l.IsDefined()) {
    if (auto i = ctx.reader.choice(l, "logging.level", kLevels)) out.level = static_cast<LogLevel>(*i);
  }
}

void readAlerts(Sections& ctx, const YAML::Node& n, AlertsConfig& out) {
  ctx.reader.rejectUnknownKeys(n, "alerts", kAlertsKeys);
  if (auto l = n["language"]; l.IsDefined()) {
    if (auto i = ctx.reader.choice(l, "alerts.language", kLanguages)) out.language = static_cast<Language>(*i);
  }
}

}  // namespace villagecam::config
