#include "app/coverage_keeper.hpp"

#include <algorithm>

#include "app/status_reporter.hpp"
#include "events/coverage_alerts.hpp"

namespace villagecam::app {

std::map<std::string, health::CameraFacts> cameraFacts(const std::vector<config::CameraConfig>& configured,
                                                       const std::vector<CameraSight>& running, SteadyTime now) {
  std::map<std::string, health::CameraFacts> facts;
  for (const auto& c : configured) {
    auto& f = facts[c.id];
    f.id = c.id;
    f.name = c.name;
    f.enabled = false;  // until it is found running
    f.state = health::CameraState::Offline;
  }
  for (const auto& r : running) {
    auto& f = facts[r.health.id];
    f.enabled = true;
    f.state = r.health.state;
    f.reason = r.health.reason;
    if (!r.view) continue;
    f.has_baseline = r.view->has_baseline;
    for (auto i : r.view->uncovering) f.view_issues.push_back(analysis::toString(i));
    if (r.view->check_every > Duration::zero()) f.check_every = r.view->check_every;
    // In analysis mode keyframes a picture comes once per key-frame interval:
    // a camera with a long GOP is checked that often, not every check_interval.
    const auto gop = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(r.health.keyframe_interval_s));
    f.check_every = std::max(f.check_every, gop);
    if (r.view_passed) f.view_passed_ago = std::max(Duration::zero(), now - *r.view_passed);
  }
  return facts;
}

CoverageKeeper::CoverageKeeper(const std::filesystem::path& state_dir, const Clock& clock, Duration flush_interval)
    : history_(state_dir, clock, "coverage.json", "coverage", "area(s)") {
  history_.setFlushInterval(flush_interval);
}

void CoverageKeeper::load() { history_.load(); }

namespace {

// What a consumer of the coverage would see change (not the ages in details).
bool sameStates(const health::CoverageReport& a, const health::CoverageReport& b) {
  if (a.areas.size() != b.areas.size()) return false;
  for (std::size_t i = 0; i < a.areas.size(); ++i) {
    const auto &x = a.areas[i], &y = b.areas[i];
    if (x.id != y.id || x.state != y.state || x.cameras.size() != y.cameras.size()) return false;
    for (std::size_t c = 0; c < x.cameras.size(); ++c) {
      if (x.cameras[c].code != y.cameras[c].code || x.cameras[c].watching != y.cameras[c].watching) return false;
    }
  }
  return true;
}

}  // namespace

bool CoverageKeeper::assess(const std::vector<config::AreaConfig>& areas,
                            const std::map<std::string, health::CameraFacts>& facts, AlertDesk& alerts, WallTime now) {
  auto report = health::assessCoverage(areas, facts);
  for (const auto& area : report.areas) {
    // No opinion yet (connecting, or a check of its view to come): leave its
    // alert as it is. An area whose cameras are back but have no baseline
    // ends its coverage_lost: video is back and no check will ever come.
    if (area.state == health::AreaState::Unknown || area.awaiting_check) continue;
    alerts.set(events::areaSubject(area.id), events::coverageAlert(area), now);
  }
  std::lock_guard lock(mutex_);
  const bool changed = !sameStates(report, report_);
  report_ = std::move(report);
  return changed;
}

void CoverageKeeper::account(WallTime from, WallTime to) {
  for (const auto& area : report().areas) history_.account(area.id, from, to, health::presenceOf(area.state));
}

health::CoverageReport CoverageKeeper::report() const {
  std::lock_guard lock(mutex_);
  return report_;
}

contract::CoverageSummary CoverageKeeper::summary(const contract::Origin& origin,
                                                  const std::vector<config::AreaConfig>& areas, WallTime now) const {
  return coverageSummaryOf(origin, report(), areas, history_, now);
}

}  // namespace villagecam::app
