// The node's state in one line for people: systemd's STATUS= and the log's
// periodic summary. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "health/camera_health.hpp"
#include "health/coverage.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

// "3/4 cameras online; 2/3 areas covered (67%); 0 alert(s) waiting for the broker"
std::string statusLine(const std::vector<health::CameraHealth>& cameras, const health::CoverageReport& coverage,
                       std::optional<std::size_t> outbox_depth);

struct CamerasSummary {
  bool all_online = true;
  std::string text;  // "all 4 camera(s) online", or "3 of 4 camera(s) online; gate offline for 12 min (...)"
};
CamerasSummary camerasSummary(const std::vector<health::CameraHealth>& cameras, WallTime now);

}  // namespace villagecam::app
