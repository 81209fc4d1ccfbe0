#include "events/coverage_alerts.hpp"

#include <algorithm>

namespace villagecam::events {

std::optional<Alert> viewTamperedAlert(const std::string& camera_id, const std::string& camera_name,
                                       const std::vector<std::string>& issues,
                                       std::optional<double> covered_share) {
  if (issues.empty()) return std::nullopt;
  Alert a;
  a.type = AlertType::ViewTampered;
  a.camera_id = camera_id;
  a.camera_name = camera_name;
  a.issues = issues;
  if (std::find(issues.begin(), issues.end(), "occluded") != issues.end()) a.covered_share = covered_share;
  a.reason_code = issues.front();  // the kind; all of them are in issues
  for (const auto& i : issues) a.detail += (a.detail.empty() ? "view " : ", ") + i;
  if (a.covered_share) a.detail += " (" + std::to_string(static_cast<int>(*a.covered_share * 100 + 0.5)) + "% covered)";
  return a;
}

std::optional<Alert> coverageAlert(const health::AreaCoverage& area) {
  if (area.state != health::AreaState::Uncovered) return std::nullopt;
  Alert a;
  a.type = AlertType::CoverageLost;
  a.area_id = area.id;
  a.area_name = area.name;
  a.area_kind = config::toString(area.kind);
  a.area_grid = area.grid;
  for (const auto& c : area.cameras) {
    a.causes.push_back({c.id, c.name, c.code, c.detail});
    a.detail += (a.detail.empty() ? "" : "; ") + c.id + ": " + c.code + (c.detail.empty() ? "" : " (" + c.detail + ")");
  }
  // One code for the whole area: what its cameras share, or "several".
  a.reason_code = a.causes.empty() ? "no_camera" : a.causes.front().code;
  for (const auto& c : a.causes) {
    if (c.code != a.reason_code) a.reason_code = "several";
  }
  return a;
}

}  // namespace villagecam::events
