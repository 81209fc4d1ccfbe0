// The village's coverage: which areas are watched now (health::assessCoverage
// over what the node knows of its cameras), the coverage_lost alerts that
// calls for, and each area's covered and uncovered minutes, kept in
// <state_dir>/coverage.json across restarts. Event thread; report() is
// thread-safe (its own leaf lock).
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/alert_desk.hpp"
#include "app/view_monitor.hpp"
#include "config/config.hpp"
#include "contract/payloads.hpp"
#include "health/camera_health.hpp"
#include "health/coverage.hpp"
#include "health/uptime_store.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

// What coverage needs of a running camera.
struct CameraSight {
  health::CameraHealth health;
  const ViewState* view = nullptr;  // the event thread's copy (raised issues as alerted)
  // The view monitor's own, read now: checks pass without a message.
  std::optional<SteadyTime> view_passed;
};

// The facts of every configured camera at `now`: running ones as they are,
// the others (disabled) as not watching. Pure.
std::map<std::string, health::CameraFacts> cameraFacts(const std::vector<config::CameraConfig>& configured,
                                                       const std::vector<CameraSight>& running, SteadyTime now);

class CoverageKeeper {
 public:
  CoverageKeeper(const std::filesystem::path& state_dir, const Clock& clock, Duration flush_interval);

  void load();
  // Reassesses the areas; an area that turned uncovered or covered again
  // starts or ends its alert (an unknown one, or one awaiting a check of its
  // view, leaves its alert as it is). True when an area's state or a
  // camera's part in it changed.
  bool assess(const std::vector<config::AreaConfig>& areas, const std::map<std::string, health::CameraFacts>& facts,
              AlertDesk& alerts, WallTime now);
  // Books each area's state since the last call into its history.
  void account(WallTime from, WallTime to);
  void flush(bool force = false) { history_.flush(force); }

  health::CoverageReport report() const;
  contract::CoverageSummary summary(const contract::Origin& origin, const std::vector<config::AreaConfig>& areas,
                                    WallTime now) const;

 private:
  health::UptimeStore history_;  // by area: up = covered
  mutable std::mutex mutex_;     // guards report_
  health::CoverageReport report_;
};

}  // namespace villagecam::app
