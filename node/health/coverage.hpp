// Coverage: which public areas are really watched now. A camera watches when
// it is online and its view passes every check; an area is covered when at
// least one of its cameras watches. Pure: the node passes the cameras' states
// in and publishes what comes out (docs/coverage.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "health/camera_state.hpp"

namespace villagecam::health {

enum class Watch { Yes, No, Unknown };
const char* toString(Watch w);

// What the node knows of one camera.
struct CameraFacts {
  std::string id;
  std::string name;
  bool enabled = true;
  health::CameraState state = health::CameraState::Connecting;
  std::string reason;                    // plain words for the state
  bool has_baseline = false;             // without one the view is not checked
  std::vector<std::string> view_issues;  // raised (after hysteresis)
};

struct CameraWatch {
  std::string id;
  std::string name;
  Watch watching = Watch::Unknown;
  // ok, unverified (online, no baseline), offline, stalled, unauthorized,
  // connecting, disabled, view_tampered
  std::string code;
  std::string detail;  // plain words
};

CameraWatch judgeCamera(const CameraFacts& camera);

enum class AreaState { Covered, Uncovered, Unknown };
const char* toString(AreaState s);

struct AreaCoverage {
  std::string id;
  std::string name;
  config::AreaKind kind = config::AreaKind::Other;
  double weight = 1;
  AreaState state = AreaState::Unknown;
  // Covered only through cameras whose view is not checked (no baseline yet).
  bool verified = true;
  std::vector<CameraWatch> cameras;  // in the order the config lists them
  std::vector<std::string> watching() const;
};

struct CoverageReport {
  std::vector<AreaCoverage> areas;
  double weight_covered = 0;
  double weight_known = 0;  // areas covered or uncovered; unknown ones are left out
  // weight_covered / weight_known; nullopt while no area is known (or none is configured)
  std::optional<double> ratio() const;
  int count(AreaState s) const;
};

// Cameras missing from `cameras` count as unknown.
CoverageReport assessCoverage(const std::vector<config::AreaConfig>& areas,
                              const std::map<std::string, CameraFacts>& cameras);

}  // namespace villagecam::health
