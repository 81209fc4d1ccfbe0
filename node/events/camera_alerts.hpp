// Which alert a camera's state calls for (offline, stalled, unauthorized),
// for the AlertBook under cameraSubject(id). Pure.
#pragma once

#include <optional>
#include <string>

#include "events/alert.hpp"
#include "health/camera_state.hpp"

namespace villagecam::events {

struct CameraCondition {
  std::string camera_id;
  std::string camera_name;
  health::CameraState state = health::CameraState::Connecting;
  std::string reason_code;  // the last failure's kind, e.g. "refused"
  std::string reason;       // plain words
};

// nullopt for a healthy camera. Connecting (not yet known after a start) is
// the caller's to skip: it neither opens nor ends an alert.
std::optional<Alert> cameraHealthAlert(const CameraCondition& condition);

}  // namespace villagecam::events
