// Coverage: which public areas are really watched now. A camera watches when
// it is online and its view passed a check lately (within three of its check
// intervals) with nothing raised; an area is covered when at least one of its
// cameras watches, and unverified when none does but one is online with a
// view nobody has checked (no baseline, no check yet, or none lately). Pure:
// the node passes the cameras' states in and publishes what comes out
// (docs/coverage.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "health/camera_state.hpp"
#include "util/clock.hpp"

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
  // How long ago a check of its picture last found nothing raised; nullopt:
  // none since the view monitor started.
  std::optional<Duration> view_passed_ago;
  Duration check_every = std::chrono::seconds(2);  // the camera's cadence of picture checks
};

// A view check counts for this long: three check intervals.
inline Duration checkValidity(Duration check_every) { return 3 * check_every; }

struct CameraWatch {
  std::string id;
  std::string name;
  Watch watching = Watch::Unknown;
  // ok, unverified (online, its view not checked lately: watching unknown),
  // offline, stalled, unauthorized, connecting, disabled, view_tampered
  std::string code;
  std::string detail;  // plain words
  bool awaiting_check = false;  // unverified, and a check will come (it has a baseline)
};

CameraWatch judgeCamera(const CameraFacts& camera);

enum class AreaState { Covered, Uncovered, Unknown, Unverified };
const char* toString(AreaState s);

struct AreaCoverage {
  std::string id;
  std::string name;
  config::AreaKind kind = config::AreaKind::Other;
  double weight = 1;
  AreaState state = AreaState::Unknown;
  // False while unverified: a camera delivers video but nobody checked its view lately.
  bool verified = true;
  std::string unverified_reason;  // while unverified: why, camera by camera
  bool awaiting_check = false;    // while unverified: a check of one of its cameras will come
  std::vector<CameraWatch> cameras;  // in the order the config lists them
  std::string grid;                  // the area's grid label (网格), empty if none
  std::vector<std::string> watching() const;
};

struct CoverageReport {
  std::vector<AreaCoverage> areas;
  double weight_covered = 0;
  double weight_unverified = 0;
  double weight_known = 0;  // areas covered, uncovered or unverified; unknown ones are left out
  // weight_covered / weight_known: verified coverage only; nullopt while no
  // area is known (or none is configured)
  std::optional<double> ratio() const;
  // weight_unverified / weight_known, beside the ratio
  std::optional<double> unverifiedShare() const;
  int count(AreaState s) const;
};

// Cameras missing from `cameras` count as unknown.
CoverageReport assessCoverage(const std::vector<config::AreaConfig>& areas,
                              const std::map<std::string, CameraFacts>& cameras);

}  // namespace villagecam::health
