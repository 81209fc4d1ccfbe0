#include "app/coverage_keeper.hpp"

#include "app/status_reporter.hpp"
#include "events/coverage_alerts.hpp"

namespace villagecam::app {

std::map<std::string, health::CameraFacts> cameraFacts(const std::vector<config::CameraConfig>& configured,
                                                       const std::vector<CameraSight>& running) {
  std::map<std::string, health::CameraFacts> facts;
  for (const auto& c : configured) facts[c.id] = {c.id, c.name, false, health::CameraState::Offline, "", false, {}};
  for (const auto& r : running) {
    auto& f = facts[r.health.id];
    f.enabled = true;
    f.state = r.health.state;
    f.reason = r.health.reason;
    if (!r.view) continue;
    f.has_baseline = r.view->has_baseline;
    for (auto i : r.view->raised) f.view_issues.push_back(analysis::toString(i));
  }
  return facts;
}

CoverageKeeper::CoverageKeeper(const std::filesystem::path& state_dir, const Clock& clock, Duration flush_interval)
    : history_(state_dir, clock, "coverage.json", "coverage", "area(s)") {
  history_.setFlushInterval(flush_interval);
}

void CoverageKeeper::load() { history_.load(); }

void CoverageKeeper::assess(const std::vector<config::AreaConfig>& areas,
                            const std::map<std::string, health::CameraFacts>& facts, AlertDesk& alerts, WallTime now) {
  auto report = health::assessCoverage(areas, facts);
  for (const auto& area : report.areas) {
    if (area.state == health::AreaState::Unknown) continue;  // no opinion yet: leave its alert as it is
    alerts.set(events::areaSubject(area.id), events::coverageAlert(area), now);
  }
  std::lock_guard lock(mutex_);
  report_ = std::move(report);
}

void CoverageKeeper::account(WallTime from, WallTime to) {
  for (const auto& area : report().areas) history_.account(area.id, from, to, health::presenceOf(area.state));
}

health::CoverageReport CoverageKeeper::report() const {
  std::lock_guard lock(mutex_);
  return report_;
}

contract::CoverageSummary CoverageKeeper::summary(const std::string& node_id,
                                                  const std::vector<config::AreaConfig>& areas, WallTime now) const {
  return coverageSummaryOf(node_id, report(), areas, history_, now);
}

}  // namespace villagecam::app
