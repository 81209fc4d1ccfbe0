#include "history/alert_listing.hpp"

#include <charconv>
#include <ctime>
#include <regex>
#include <string_view>

#include "config/rtsp_url.hpp"
#include "util/time_format.hpp"

namespace villagecam::county {

std::optional<WallTime> timeParam(const std::string& text) {
  if (auto t = fromRfc3339(text)) return t;
  static const std::regex date("(\\d{4})-(\\d{2})-(\\d{2})");
  std::smatch m;
  if (!std::regex_match(text, m, date)) return std::nullopt;
  std::tm local{};
  local.tm_year = std::stoi(m[1]) - 1900;
  local.tm_mon = std::stoi(m[2]) - 1;
  local.tm_mday = std::stoi(m[3]);
  local.tm_isdst = -1;
  if (local.tm_mon < 0 || local.tm_mon > 11 || local.tm_mday < 1 || local.tm_mday > 31) return std::nullopt;
  return std::chrono::system_clock::from_time_t(std::mktime(&local));
}

namespace {

// One cell: quoted when it must be; a text a spreadsheet would take for a
// formula (= + - @, or a tab or return before one) starts with ' instead
// (OWASP, CSV injection), so opening the export runs nothing.
std::string csvField(const std::string& text) {
  const std::string s = !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos
                            ? "'" + text
                            : text;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string timeText(const std::optional<WallTime>& t) { return t ? toRfc3339(*t) : ""; }

}  // namespace

std::variant<AlertQuery, std::string> alertQueryOf(const std::map<std::string, std::string>& params) {
  static const std::vector<std::string> kKnown{"from", "to", "type", "township", "node", "open", "limit"};
  AlertQuery q;
  for (const auto& [key, value] : params) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      return "unknown parameter '" + key + "' (known: from, to, type, township, node, open, limit)";
    }
    if (key == "from" || key == "to") {
      const auto t = timeParam(value);
      if (!t) return key + ": expected a date (2026-12-06) or an RFC 3339 time, got '" + value + "'";
      (key == "from" ? q.from : q.to) = t;
    } else if (key == "type") {
      if (!events::alertTypeFrom(value)) return "type: unknown alert type '" + value + "'";
      q.type = value;
    } else if (key == "township") {
      q.township = value;
    } else if (key == "node") {
      q.node = value;
    } else if (key == "open") {
      if (value != "1" && value != "true" && value != "0" && value != "false") {
        return "open: expected 1 or 0, got '" + value + "'";
      }
      q.open_only = value == "1" || value == "true";
    } else if (key == "limit") {
      int n = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > 10000) {
        return "limit: expected a whole number from 1 to 10000, got '" + value + "'";
      }
      q.limit = n;
    }
  }
  if (q.from && q.to && *q.to <= *q.from) return "to: must be after from";
  return q;
}

nlohmann::json alertsJson(const std::vector<AlertRecord>& records) {
  auto out = nlohmann::json::array();
  for (const auto& r : records) {
    auto orNull = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    auto time = [](const std::optional<WallTime>& t) { return t ? nlohmann::json(toRfc3339(*t)) : nlohmann::json(nullptr); };
    out.push_back({{"id", r.id},           {"node", r.node},           {"township", r.township},
                   {"village", r.village}, {"admin_code", orNull(r.admin_code)},
                   {"type", r.type},       {"severity", r.severity},   {"phase", r.phase},
                   {"camera", orNull(r.camera)}, {"area", orNull(r.area)}, {"zone", orNull(r.zone)},
                   {"started_at", toRfc3339(r.started_at)}, {"ended_at", time(r.ended_at)},
                   {"updated_at", time(r.updated_at)}, {"snapshot", orNull(r.snapshot)}, {"message", r.message},
                   {"clip", orNull(r.clip)}});
  }
  return out;
}

std::string alertsCsv(const std::vector<AlertRecord>& records) {
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte order mark
  out += "id,township,village,node,admin_code,type,severity,phase,camera,area,zone,started_at,ended_at,message\r\n";
  for (const auto& r : records) {
    for (const auto& field : {r.id, r.township, r.village, r.node, r.admin_code, r.type, r.severity, r.phase, r.camera,
                              r.area, r.zone, toRfc3339(r.started_at), timeText(r.ended_at)}) {
      out += csvField(field) + ",";
    }
    out += csvField(config::redactUrlsIn(r.message)) + "\r\n";  // stored before redaction on receipt, too
  }
  return out;
}

contract::AlertMessage alertMessageOf(const AlertRecord& r) {
  contract::AlertMessage m;
  m.origin = {r.node, {"", r.township, r.village, r.admin_code}, {}, {}};
  auto& a = m.alert;
  a.id = r.id;
  a.type = events::alertTypeFrom(r.type).value_or(events::AlertType::CameraOffline);
  a.severity = r.severity == "critical" ? events::Severity::Critical
               : r.severity == "info"   ? events::Severity::Info
                                        : events::Severity::Warning;
  a.phase = r.phase == "end" ? events::AlertPhase::End : r.phase == "update" ? events::AlertPhase::Update
                                                                             : events::AlertPhase::Start;
  a.camera_id = r.camera;
  a.area_id = r.area;
  a.zone_id = r.zone;
  a.started_at = r.started_at;
  a.updated_at = r.updated_at;
  a.ended_at = r.ended_at;
  if (!r.snapshot.empty()) a.snapshot = events::SnapshotRef{r.snapshot, "", r.started_at};
  a.message = r.message;
  return m;
}

}  // namespace villagecam::county
