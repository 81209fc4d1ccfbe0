#include "health/coverage.hpp"

namespace villagecam::health {
namespace {

std::string wordsForDuration(Duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  return s < 120 ? std::to_string(s) + " s" : std::to_string(s / 60) + " min";
}

}  // namespace

const char* toString(Watch w) {
  switch (w) {
    case Watch::Yes: return "yes";
    case Watch::No: return "no";
    default: return "unknown";
  }
}

const char* toString(AreaState s) {
  switch (s) {
    case AreaState::Covered: return "covered";
    case AreaState::Uncovered: return "uncovered";
    case AreaState::Unverified: return "unverified";
    default: return "unknown";
  }
}

CameraWatch judgeCamera(const CameraFacts& c) {
  CameraWatch w{c.id, c.name, Watch::No, "", c.reason};
  if (!c.enabled) {
    w.code = "disabled";
    w.detail = "disabled in the config";
    return w;
  }
  switch (c.state) {
    case health::CameraState::Connecting:
      w.watching = Watch::Unknown;
      w.code = "connecting";
      return w;
    case health::CameraState::Offline: w.code = "offline"; return w;
    case health::CameraState::Stalled: w.code = "stalled"; return w;
    case health::CameraState::Unauthorized: w.code = "unauthorized"; return w;
    case health::CameraState::Online: break;
  }
  if (!c.view_issues.empty()) {
    w.code = "view_tampered";
    w.detail.clear();
    for (const auto& i : c.view_issues) w.detail += (w.detail.empty() ? "" : ", ") + i;
    return w;
  }
  w.watching = Watch::Unknown;  // video, but is it a view of the area?
  if (!c.has_baseline) {
    w.code = "unverified";
    w.detail = "online; no view baseline yet (villagecam-node baseline), so its view is not checked";
    return w;
  }
  if (!c.view_passed_ago || *c.view_passed_ago > checkValidity(c.check_every)) {
    w.code = "unverified";
    w.awaiting_check = true;
    w.detail = c.view_passed_ago
                   ? "online; its view last passed a check " + wordsForDuration(*c.view_passed_ago) + " ago"
                   : "online; its view is not checked yet";
    return w;
  }
  w.watching = Watch::Yes;
  w.code = "ok";
  w.detail = "online, view checked and ok";
  return w;
}

std::vector<std::string> AreaCoverage::watching() const {
  std::vector<std::string> out;
  for (const auto& c : cameras) {
    if (c.watching == Watch::Yes) out.push_back(c.id);
  }
  return out;
}

std::optional<double> CoverageReport::ratio() const {
  if (weight_known <= 0) return std::nullopt;
  return weight_covered / weight_known;
}

std::optional<double> CoverageReport::unverifiedShare() const {
  if (weight_known <= 0) return std::nullopt;
  return weight_unverified / weight_known;
}

int CoverageReport::count(AreaState s) const {
  int n = 0;
  for (const auto& a : areas) n += a.state == s;
  return n;
}

CoverageReport assessCoverage(const std::vector<config::AreaConfig>& areas,
                              const std::map<std::string, CameraFacts>& cameras) {
  CoverageReport report;
  for (const auto& area : areas) {
    AreaCoverage out{area.id, area.name, area.kind, area.weight, AreaState::Uncovered, true, "", false, {}, area.grid};
    bool any_unknown = false, any_unverified = false, any_watching = false;
    for (const auto& id : area.cameras) {
      const auto it = cameras.find(id);
      CameraWatch w = it == cameras.end() ? CameraWatch{id, id, Watch::Unknown, "connecting", "not known yet"}
                                          : judgeCamera(it->second);
      any_watching = any_watching || w.watching == Watch::Yes;
      if (w.code == "unverified") {
        any_unverified = true;
        out.awaiting_check = out.awaiting_check || w.awaiting_check;
        out.unverified_reason += (out.unverified_reason.empty() ? "" : "; ") + w.id + ": " + w.detail;
      } else {
        any_unknown = any_unknown || w.watching == Watch::Unknown;
      }
      out.cameras.push_back(std::move(w));
    }
    if (any_watching) {
      out.state = AreaState::Covered;
    } else if (any_unverified) {
      out.state = AreaState::Unverified;
    } else if (any_unknown) {
      out.state = AreaState::Unknown;
    }
    if (out.state != AreaState::Unverified) {
      out.unverified_reason.clear();
      out.awaiting_check = false;
    }
    out.verified = out.state != AreaState::Unverified;
    if (out.state != AreaState::Unknown) report.weight_known += area.weight;
    if (out.state == AreaState::Covered) report.weight_covered += area.weight;
    if (out.state == AreaState::Unverified) report.weight_unverified += area.weight;
    report.areas.push_back(std::move(out));
  }
  return report;
}

}  // namespace villagecam::health
