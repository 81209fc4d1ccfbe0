#include "health/coverage.hpp"

namespace villagecam::health {

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
  w.watching = Watch::Yes;
  w.code = c.has_baseline ? "ok" : "unverified";
  w.detail = c.has_baseline ? "online, view ok" : "online; no view baseline yet, so the view is not checked";
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

int CoverageReport::count(AreaState s) const {
  int n = 0;
  for (const auto& a : areas) n += a.state == s;
  return n;
}

CoverageReport assessCoverage(const std::vector<config::AreaConfig>& areas,
                              const std::map<std::string, CameraFacts>& cameras) {
  CoverageReport report;
  for (const auto& area : areas) {
    AreaCoverage out{area.id, area.name, area.kind, area.weight, AreaState::Uncovered, false, {}};
    bool any_unknown = false, any_verified = false;
    for (const auto& id : area.cameras) {
      const auto it = cameras.find(id);
      CameraWatch w = it == cameras.end() ? CameraWatch{id, id, Watch::Unknown, "connecting", "not known yet"}
                                          : judgeCamera(it->second);
      if (w.watching == Watch::Yes) {
        out.state = AreaState::Covered;
        any_verified = any_verified || w.code == "ok";
      }
      any_unknown = any_unknown || w.watching == Watch::Unknown;
      out.cameras.push_back(std::move(w));
    }
    if (out.state != AreaState::Covered && any_unknown) out.state = AreaState::Unknown;
    out.verified = out.state != AreaState::Covered || any_verified;
    if (out.state != AreaState::Unknown) report.weight_known += area.weight;
    if (out.state == AreaState::Covered) report.weight_covered += area.weight;
    report.areas.push_back(std::move(out));
  }
  return report;
}

}  // namespace villagecam::health
